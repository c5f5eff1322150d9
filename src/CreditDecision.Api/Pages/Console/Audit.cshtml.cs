using CreditDecision.Api.Console;
using CreditDecision.Api.Security;
using CreditDecision.Audit.Log;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace CreditDecision.Api.Pages.Console;

[Authorize(Policy = ConsoleExtensions.Policies.Auditors)]
[EnableRateLimiting(RateLimits.LogScan)]
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
