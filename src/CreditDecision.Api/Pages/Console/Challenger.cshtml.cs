using CreditDecision.Api.Challenger;
using CreditDecision.Api.Console;
using CreditDecision.Api.Decisions;
using CreditDecision.Api.Security;
using CreditDecision.Audit.Challenger;
using CreditDecision.Core.Rules;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc;

namespace CreditDecision.Api.Pages.Console;

[Authorize(Policy = ConsoleExtensions.Policies.RulesReaders)]
public sealed class ChallengerModel(ChallengerRules challenger, ChallengerShadow shadow, RulesHost champion, ChallengerPromotion promotion) : PageModel
{
    public RulesHost? Host => challenger.Host;

    /// <summary>The challenger folder, relative to the champion's.</summary>
    public string? Directory => challenger.Host is { } host ? Path.GetRelativePath(champion.Directory, host.Directory) : null;
    public ChallengerCounters Counters => shadow.Counters;
    public string? Champion => champion.Current?.Id;
    public PromotionResult? Promoted { get; private set; }
    public string? PromotionRefused { get; private set; }

    public void OnGet()
    {
    }

    /// <summary>The same promotion as POST /challenger/promote, for the snapshot the page showed when it was reviewed.</summary>
    public async Task<IActionResult> OnPostPromoteAsync(string? snapshotId, CancellationToken cancellationToken)
    {
        if (!User.IsInRole(Roles.Policy)) return Forbid(ConsoleExtensions.Scheme);
        if (string.IsNullOrWhiteSpace(snapshotId))
        {
            PromotionRefused = "No challenger snapshot was named.";
            return Page();
        }
        try
        {
            Promoted = await promotion.PromoteAsync(snapshotId, DecisionEndpoints.RequestContext(HttpContext), cancellationToken);
        }
        catch (PromotionRefusedException refused)
        {
            PromotionRefused = $"{refused.Title} {refused.Message}";
        }
        return Page();
    }
}
