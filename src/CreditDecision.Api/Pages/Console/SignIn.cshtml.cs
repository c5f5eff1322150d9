using CreditDecision.Api.WebConsole;
using Microsoft.AspNetCore.Authentication;
using CreditDecision.Api.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace CreditDecision.Api.Pages.Console;

[EnableRateLimiting(RateLimits.SignIn)]
public sealed class SignInModel(ConsoleSessions sessions, IOptions<ConsoleOptions> options) : PageModel
{
    public int IdleMinutes => (int)options.Value.IdleTimeout.TotalMinutes;
    public string LifetimeHours => options.Value.SessionLifetime.TotalHours.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture);

    public bool Refused { get; private set; }

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(string? key)
    {
        if (!await HttpContext.SignInWithKeyAsync(sessions, key))
        {
            Refused = true;
            return Page();
        }
        return LocalRedirect(ReturnUrl is { } url && Url.IsLocalUrl(url) && url.StartsWith("/console", StringComparison.Ordinal) ? url : "/console");
    }

    public async Task<IActionResult> OnPostSignOutAsync()
    {
        await HttpContext.SignOutAsync(ConsoleExtensions.Scheme);
        return LocalRedirect("/console/signin");
    }
}
