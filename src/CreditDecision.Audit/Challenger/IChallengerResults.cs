using CreditDecision.Core.Rules;

namespace CreditDecision.Audit.Challenger;

/// <summary>
/// What the challenger decided for the champion's decisions, kept beside the log. Challenger results are outside the
/// hash chain: they never reached a customer.
/// </summary>
public interface IChallengerResults
{
    /// <summary>
    /// Stores challenger results beside the decisions they shadow, with the challenger's rulesets archived; a
    /// result already stored for a decision is kept.
    /// </summary>
    Task AppendChallengerResultsAsync(IReadOnlyList<ChallengerResult> results, CancellationToken cancellationToken);

    /// <summary>Decisions (not monitoring records) made in [from, to), oldest first, each with its challenger result if any.</summary>
    IAsyncEnumerable<ShadowedDecision> ExportShadowedAsync(DateTimeOffset? from, DateTimeOffset? to, CancellationToken cancellationToken);
}

/// <summary>What the challenger rules decided for an application the champion decided (same id, time and portfolio).</summary>
public sealed record ChallengerResult(Guid DecisionId, DateTimeOffset DecidedAt, string Outcome, string ResponseJson, RulesetSnapshot Snapshot);

/// <summary>A logged decision's response and, when the challenger evaluated it, the challenger's snapshot and response.</summary>
public sealed record ShadowedDecision(Guid DecisionId, string ResponseJson, string? ChallengerSnapshotId, string? ChallengerResponseJson);
