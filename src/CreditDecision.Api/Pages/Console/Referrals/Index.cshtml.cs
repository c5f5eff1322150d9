using CreditDecision.Api.WebConsole;
using CreditDecision.Audit.Finals;
using CreditDecision.Audit.Log;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CreditDecision.Api.Pages.Console.Referrals;

[Authorize(Policy = ConsoleExtensions.Policies.CreditOfficers)]
public sealed class IndexModel(IDecisionLog log) : PageModel
{
    private const int PageSize = 50;

    public IReadOnlyList<Referral> Open { get; private set; } = [];
    public bool HasMore { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var records = await log.ReferralsAsync(new ReferralQuery(Finalised: false, DecidedBefore: null, AuthorityLevel: null, 1, PageSize), cancellationToken);
        Open = [.. records.Take(PageSize).Select(Referral.From)];
        HasMore = records.Count > PageSize;
    }
}
