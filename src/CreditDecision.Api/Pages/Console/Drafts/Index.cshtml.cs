using CreditDecision.Api.Infrastructure;
using CreditDecision.Api.WebConsole;
using CreditDecision.Api.Drafts;
using CreditDecision.Audit.Drafts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CreditDecision.Api.Pages.Console.Drafts;

[Authorize(Policy = ConsoleExtensions.Policies.PolicyStaff)]
public sealed class IndexModel(PolicyDrafts drafts) : PageModel
{
    public IReadOnlyList<Draft> Drafts { get; private set; } = [];

    public string? NameError { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken) => Drafts = await drafts.ListAsync(cancellationToken);

    /// <summary>Starts a draft from the live rules and opens it.</summary>
    public async Task<IActionResult> OnPostAsync(string? name, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Trim().Length > PolicyDrafts.MaxNameLength)
        {
            NameError = $"Give the change a name of 1 to {PolicyDrafts.MaxNameLength} characters.";
            await OnGetAsync(cancellationToken);
            return Page();
        }
        try
        {
            var state = await drafts.CreateAsync(name.Trim(), null, CallerHeaders.Caller(HttpContext).Caller, cancellationToken);
            return Redirect($"/console/drafts/{state.Draft.DraftId}");
        }
        catch (DraftRefusedException refused)
        {
            NameError = refused.Message;
            await OnGetAsync(cancellationToken);
            return Page();
        }
    }
}
