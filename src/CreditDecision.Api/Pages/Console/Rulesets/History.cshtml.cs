using CreditDecision.Api.Challenger;
using CreditDecision.Api.WebConsole;
using CreditDecision.Audit.Log;
using CreditDecision.Core.Rules;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CreditDecision.Api.Pages.Console.Rulesets;

[Authorize(Policy = ConsoleExtensions.Policies.RulesReaders)]
public sealed class HistoryModel(RulesHost rules, ChallengerRules challenger, IDecisionLog log) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string Name { get; set; } = "";

    public IReadOnlyList<ArchivedVersion> Versions { get; private set; } = [];

    public string? LiveVersion { get; private set; }

    public string? ChallengerVersion { get; private set; }

    /// <summary>The latest promotions in the decision log, with the version of this ruleset each put live and, for a draft, its four eyes.</summary>
    public IReadOnlyList<PromotionEntry> Promotions { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Promotions = await PromotionEntry.ReadAsync(log, Name, cancellationToken);
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

/// <summary>A promotion as the history shows it; maker, checker and rationale only when it promoted an approved draft.</summary>
public sealed record PromotionEntry(
    Guid PromotionId, DateTimeOffset At, string PromotedBy, string SnapshotId, string? Version, string? Draft, string? Makers, string? Checker, string? Rationale)
{
    private const int Shown = 50;

    public static async Task<IReadOnlyList<PromotionEntry>> ReadAsync(IDecisionLog log, string ruleset, CancellationToken cancellationToken)
    {
        var page = await log.SearchAsync(new DecisionQuery(Kind: RecordKinds.Promotion, PageSize: Shown), cancellationToken);
        var entries = new List<PromotionEntry>(page.Items.Count);
        foreach (var item in page.Items)
        {
            if (await log.FindAsync(item.DecisionId, cancellationToken) is not { } record) continue;
            using var response = System.Text.Json.JsonDocument.Parse(record.ResponseJson);
            var root = response.RootElement;
            var version = root.TryGetProperty("rulesets", out var rulesets)
                ? rulesets.EnumerateArray().FirstOrDefault(r => r.GetProperty("name").GetString() == ruleset) is { ValueKind: System.Text.Json.JsonValueKind.Object } found
                    ? found.GetProperty("version").GetString() : null
                : null;
            var approval = root.TryGetProperty("approval", out var a) ? a : (System.Text.Json.JsonElement?)null;
            entries.Add(new PromotionEntry(record.RecordId, record.RecordedAt, record.Caller, record.SnapshotId, version,
                approval?.GetProperty("draftName").GetString(),
                approval is { } made ? string.Join(", ", made.GetProperty("makers").EnumerateArray().Select(m => m.GetString())) : null,
                approval?.GetProperty("checker").GetString(), approval?.GetProperty("rationale").GetString()));
        }
        return entries;
    }
}
