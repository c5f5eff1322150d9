using CreditDecision.Api.Console;
using CreditDecision.Audit;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CreditDecision.Api.Pages.Console;

[Authorize(Policy = ConsoleExtensions.Policies.Auditors)]
public sealed class AuditModel(IDecisionLog log) : PageModel
{
    public ChainVerification? Verification { get; private set; }

    public void OnGet()
    {
    }

    public async Task OnPostAsync(CancellationToken cancellationToken)
    {
        Verification = await log.VerifyAsync(cancellationToken);
    }
}
