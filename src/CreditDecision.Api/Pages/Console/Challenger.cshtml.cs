using CreditDecision.Api.Challenger;
using CreditDecision.Api.Console;
using CreditDecision.Audit;
using CreditDecision.Core.Rules;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CreditDecision.Api.Pages.Console;

[Authorize(Policy = ConsoleExtensions.Policies.RulesReaders)]
public sealed class ChallengerModel(ChallengerRules challenger, ChallengerShadow shadow, RulesHost champion) : PageModel
{
    public RulesHost? Host => challenger.Host;
    public ChallengerCounters Counters => shadow.Counters;
    public string? Champion => champion.Current?.Id;

    public void OnGet()
    {
    }
}
