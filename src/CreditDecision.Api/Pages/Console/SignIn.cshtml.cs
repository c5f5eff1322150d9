using CreditDecision.Api.Console;
using CreditDecision.Api.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CreditDecision.Api.Pages.Console;

public sealed class SignInModel(ApiKeyRing keys) : PageModel
{
    public bool Refused { get; private set; }

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(string? key)
    {
        if (!await HttpContext.SignInWithKeyAsync(keys, key))
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
