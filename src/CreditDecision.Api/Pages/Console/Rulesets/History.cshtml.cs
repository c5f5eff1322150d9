using CreditDecision.Api.Challenger;
using CreditDecision.Api.WebConsole;
using CreditDecision.Core.Rules;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CreditDecision.Api.Pages.Console.Rulesets;

[Authorize(Policy = ConsoleExtensions.Policies.RulesReaders)]
public sealed class HistoryModel(RulesHost rules, ChallengerRules challenger) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string Name { get; set; } = "";

    public IReadOnlyList<ArchivedVersion> Versions { get; private set; } = [];

    public string? LiveVersion { get; private set; }

    public string? ChallengerVersion { get; private set; }

    public void OnGet()
    {
        Versions = rules.Archive.History(Name);
        LiveVersion = VersionIn(rules.Current);
        ChallengerVersion = VersionIn(challenger.Host?.Current);
    }

    /// <summary>What the version is now: the champion's (live), the shadow challenger's, both, or neither.</summary>
    public string RoleOf(ArchivedVersion version) => (version.Version == LiveVersion, version.Version == ChallengerVersion) switch
    {
        (true, true) => "live and challenger",
        (true, false) => "live",
        (false, true) => "challenger",
        _ => "",
    };

    private string? VersionIn(RulesetSnapshot? snapshot) => snapshot?.All.FirstOrDefault(r => r.Name == Name)?.Version;
}
