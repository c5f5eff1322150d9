using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using System.Text.Json;
using CreditDecision.Audit.Finals;
using CreditDecision.Audit.Log;
using CreditDecision.Core.Contracts;
using CreditDecision.Core.Decisions;
using CreditDecision.Core.Portfolio;
using CreditDecision.Core.Rules;

namespace CreditDecision.Audit.Replay;

/// <summary>The outcome of a replay.</summary>
/// <param name="Against"><c>recorded</c> for the decision's own rules, <c>current</c>, or the id of another snapshot.</param>
/// <param name="SnapshotId">The snapshot the replay evaluated.</param>
/// <param name="Identical">True when the replayed response equals the stored one in every field.</param>
/// <param name="RecordedOutcome">The outcome the log holds (the warning level for a monitoring record).</param>
/// <param name="ReplayedOutcome">The outcome of the replay.</param>
/// <param name="Differences">Every field that differs, stored value first.</param>
public sealed record ReplayResult(
    Guid DecisionId,
    string Against,
    string SnapshotId,
    bool Identical,
    string RecordedOutcome,
    string ReplayedOutcome,
    IReadOnlyList<JsonDifference> Differences);

/// <summary>
/// Re-evaluates a logged decision: the stored request, through today's pipeline, with the stored ruleset and
/// portfolio versions (read from the file archive, else from the log's own copy) or with other rules, and
/// compares the result with the stored response field by field. Against <c>current</c>, today's rules and
/// today's portfolio are used: "what would this customer get today".
/// </summary>
public sealed class DecisionReplayer(
    IDecisionLog log, RulesetArchive? archive, Func<RulesetSnapshot?> currentRules, Func<PortfolioSnapshot> currentPortfolio)
{
    public const string Recorded = "recorded";
    public const string Current = "current";
    private const int CachedSnapshots = 16;

    private readonly ConcurrentDictionary<string, RulesetSnapshot> _compiled = new();

    /// <summary>Replays a decision; null when the log has no such decision.</summary>
    /// <param name="against">Null or <c>recorded</c>, <c>current</c>, or a snapshot id some logged decision used.</param>
    /// <exception cref="ReplayNotPossibleException">The rules asked for cannot be found or no longer compile.</exception>
    public async Task<ReplayResult?> ReplayAsync(Guid decisionId, string? against, CancellationToken cancellationToken)
    {
        if (await log.FindAsync(decisionId, cancellationToken) is not { } record) return null;
        if (record.Kind == RecordKinds.Promotion)
        {
            throw new ReplayNotPossibleException("A promotion record says which rules went live; it is not a decision and has nothing to replay.");
        }
        var target = against ?? Recorded;
        var snapshot = target switch
        {
            Recorded => await SnapshotAsync(record.SnapshotId, RulesetVersionsJson.Parse(record.RulesetVersions), cancellationToken),
            Current => currentRules() ?? throw new ReplayNotPossibleException("No valid rules are loaded, so there is no current version set."),
            _ => await SnapshotAsync(target, cancellationToken),
        };

        JsonNode replayed;
        string replayedOutcome;
        try
        {
            (replayed, replayedOutcome) = record.Kind switch
            {
                RecordKinds.Monitoring => await ReviewAgainAsync(record, snapshot, cancellationToken),
                RecordKinds.Final => await FinalAgainAsync(record, snapshot, cancellationToken),
                _ => await DecideAgainAsync(record, snapshot, target == Current, cancellationToken),
            };
        }
        catch (JsonException ex)
        {
            throw new ReplayNotPossibleException($"The stored record cannot be read by this service version: {ex.Message}");
        }
        var differences = JsonDifferences.Between(JsonNode.Parse(record.ResponseJson), replayed);
        return new ReplayResult(decisionId, target, snapshot.Id, differences.Count == 0, record.Outcome, replayedOutcome, differences);
    }

    private async Task<(JsonNode Response, string Outcome)> DecideAgainAsync(
        LogRecord record, RulesetSnapshot snapshot, bool currentPortfolioToo, CancellationToken cancellationToken)
    {
        var stored = JsonSerializer.Deserialize<DecisionResponse>(record.ResponseJson, ContractJson.Options)!;
        var application = StoredApplication.Read(record.RequestJson);
        var portfolio = currentPortfolioToo ? currentPortfolio() : await PortfolioAsync(stored.Portfolio.Version, cancellationToken);
        var replayed = DecisionPipeline.Evaluate(snapshot, portfolio, application, stored.DecisionId, stored.DecidedAt);
        return (JsonSerializer.SerializeToNode(replayed, ContractJson.Options)!, replayed.Outcome);
    }

    /// <summary>
    /// A final decision checked again: its link (the decision it names is an engine decision earlier in the chain, and
    /// every final before it on that decision is the one it supersedes), the officer's authority as recorded against the
    /// levels of the rules, and the override policy. A refused check replays as <see cref="Refused"/> with the reason.
    /// </summary>
    private async Task<(JsonNode Response, string Outcome)> FinalAgainAsync(LogRecord record, RulesetSnapshot snapshot, CancellationToken cancellationToken)
    {
        var stored = JsonSerializer.Deserialize<FinalDecision>(record.ResponseJson, ContractJson.Options)!;
        var request = JsonSerializer.Deserialize<StoredFinalRequest>(record.RequestJson, ContractJson.Options)!;
        var decision = await log.FindAsync(request.DecisionId, cancellationToken);
        if (decision is not { Kind: RecordKinds.Decision } || decision.Position >= record.Position || record.Subject != request.DecisionId.ToString("D"))
        {
            return RefusedFinal($"The final decision's link is broken: decision {request.DecisionId} is not an engine decision logged before it.");
        }
        var earlier = (await log.FindBySubjectAsync(RecordKinds.Final, record.Subject, cancellationToken)).Where(f => f.Position < record.Position).ToList();
        var result = FinalDecisionChecks.Evaluate(
            request.Final, new Officer(record.Caller, stored.OfficerAuthorityLevel), decision, earlier, snapshot, stored.FinalDecisionId, stored.DecidedAt);
        return result switch
        {
            { Recorded: { } final } => (JsonSerializer.SerializeToNode(final, ContractJson.Options)!, final.Outcome),
            { Refusal: { } refusal } => RefusedFinal($"{refusal.Title} {refusal.Detail}"),
            _ => RefusedFinal($"The final decision is not valid under these rules: {string.Join("; ", result.Errors!.Select(e => $"{e.Key} {string.Join(", ", e.Value)}"))}"),
        };
    }

    /// <summary>The outcome of a final decision whose checks fail on replay.</summary>
    public const string Refused = "refused";

    private static (JsonNode Response, string Outcome) RefusedFinal(string why) => (new JsonObject { ["refused"] = why }, Refused);

    /// <summary>A final decision's stored request: the decision it finalises and what the officer sent.</summary>
    private sealed record StoredFinalRequest(Guid DecisionId, FinalDecisionRequest Final);

    private async Task<(JsonNode Response, string Outcome)> ReviewAgainAsync(LogRecord record, RulesetSnapshot snapshot, CancellationToken cancellationToken)
    {
        var stored = JsonSerializer.Deserialize<MonitoringResult>(record.ResponseJson, ContractJson.Options)!;
        var review = JsonSerializer.Deserialize<LoanReview>(record.RequestJson, ContractJson.Options)!;
        var invalid = ReviewValidator.Validate(review, MonitoringPipeline.Grades(snapshot).ToArray());
        if (invalid.Count > 0)
        {
            throw new ReplayNotPossibleException($"The review does not fit these rules: {string.Join("; ", invalid.Select(e => $"{e.Key} {string.Join(", ", e.Value)}"))}");
        }
        var origination = await new Provisioning.OriginationResolver(log).ResolveAsync(review, snapshot, cancellationToken);
        if (origination.Errors is { } refused)
        {
            throw new ReplayNotPossibleException($"The review's origination cannot be read: {string.Join("; ", refused.Select(e => $"{e.Key} {string.Join(", ", e.Value)}"))}");
        }
        var replayed = MonitoringPipeline.Evaluate(snapshot, review, stored.MonitoringId, stored.ReviewedAt, origination.Origination);
        return (JsonSerializer.SerializeToNode(replayed, ContractJson.Options)!, replayed.WarningLevel);
    }

    /// <summary>The portfolio version a decision was recorded with: the live one, the empty book, or the log's copy.</summary>
    public async Task<PortfolioSnapshot> PortfolioAsync(string version, CancellationToken cancellationToken)
    {
        if (currentPortfolio() is { } live && live.Version == version) return live;
        if (PortfolioSnapshot.Empty.Version == version) return PortfolioSnapshot.Empty;
        var content = await log.FindPortfolioAsync(version, cancellationToken)
            ?? throw new ReplayNotPossibleException($"Portfolio version {version} is not in the log.");
        return PortfolioSnapshot.Parse(content).Snapshot
            ?? throw new ReplayNotPossibleException($"Portfolio version {version} in the log no longer passes validation.");
    }

    /// <summary>The version set a logged decision was made with (or the live one), compiled from the archive or the log.</summary>
    public async Task<RulesetSnapshot> SnapshotAsync(string snapshotId, CancellationToken cancellationToken)
    {
        if (currentRules() is { } live && live.Id == snapshotId) return live;
        var versions = await log.FindSnapshotAsync(snapshotId, cancellationToken)
            ?? throw new ReplayNotPossibleException($"No logged decision was made with version set '{snapshotId}'. Use 'recorded', 'current' or the snapshotId of a logged decision.");
        return await SnapshotAsync(snapshotId, RulesetVersionsJson.Parse(versions), cancellationToken);
    }

    private async Task<RulesetSnapshot> SnapshotAsync(string snapshotId, IReadOnlyList<RulesetVersionRef> versions, CancellationToken cancellationToken)
    {
        if (currentRules() is { } live && live.Id == snapshotId) return live;
        if (_compiled.TryGetValue(snapshotId, out var cached)) return cached;

        var rulesets = new List<CompiledRuleset>(versions.Count);
        foreach (var version in versions) rulesets.Add(await CompileAsync(version, cancellationToken));
        var snapshot = new RulesetSnapshot(rulesets, DateTimeOffset.UnixEpoch);
        if (snapshot.Id != snapshotId)
        {
            throw new ReplayNotPossibleException($"The archived rulesets make version set {snapshot.Id}, not the recorded {snapshotId}.");
        }
        if (_compiled.Count >= CachedSnapshots) _compiled.Clear();
        return _compiled.GetOrAdd(snapshotId, snapshot);
    }

    private async Task<CompiledRuleset> CompileAsync(RulesetVersionRef version, CancellationToken cancellationToken)
    {
        var content = archive?.Find(version.Name, version.Version)
            ?? await log.FindRulesetAsync(version.Name, version.Version, cancellationToken)
            ?? throw new ReplayNotPossibleException($"Ruleset {version.Name} version {version.Version} is in neither the archive nor the log.");
        var compiled = RulesetCompiler.Compile($"{version.Name}@{version.Version[..12]}.json", content);
        if (compiled.Ruleset is not { } ruleset)
        {
            throw new ReplayNotPossibleException(
                $"Ruleset {version.Name} version {version.Version} no longer compiles: {string.Join("; ", compiled.Errors.Select(e => e.Message))}");
        }
        if (ruleset.Version != version.Version)
        {
            throw new ReplayNotPossibleException($"The archived content of {version.Name} hashes to {ruleset.Version}, not {version.Version}: the archive was altered.");
        }
        return ruleset;
    }
}

/// <summary>A replay cannot run: the rules it needs are missing, altered or do not compile.</summary>
public sealed class ReplayNotPossibleException(string message) : Exception(message);
