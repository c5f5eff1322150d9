using System.Collections.Concurrent;
using System.Text.Json;
using CreditDecision.Audit.Log;
using CreditDecision.Audit.Replay;
using CreditDecision.Core.Contracts;
using CreditDecision.Core.Decisions;
using CreditDecision.Core.Portfolio;
using CreditDecision.Core.Rules;

namespace CreditDecision.Audit.Backtests;

/// <summary>What a candidate rules version would have done to the decisions of a period, against what was decided.</summary>
/// <param name="Decisions">Logged decisions of the period re-evaluated under the candidate.</param>
/// <param name="Migration">Recorded outcome, then candidate outcome, then how many decisions moved that way.</param>
/// <param name="NewReasonCodes">Reason codes the candidate gives where the recorded decision did not, with how many decisions.</param>
/// <param name="ChangedDecisions">Decisions whose outcome, limit, pricing, rating, reasons or warnings differ.</param>
/// <param name="Changed">The requested page of those, oldest first.</param>
/// <param name="CaseFailures">The candidate folder's own cases that fail: documented behaviour the candidate changes.</param>
public sealed record BacktestReport(
    string CandidateSnapshotId,
    IReadOnlyList<RuleError> CaseFailures,
    DateTimeOffset? From,
    DateTimeOffset? To,
    long Decisions,
    OutcomeFigures Recorded,
    OutcomeFigures Candidate,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, long>> Migration,
    IReadOnlyList<GradeFigures> ByGrade,
    IReadOnlyDictionary<string, long> NewReasonCodes,
    long ChangedDecisions,
    int Page,
    int PageSize,
    IReadOnlyList<ChangedDecision> Changed);

/// <summary>Outcome counts and rates, and approved limits, under one version of the rules.</summary>
/// <param name="LimitDistribution">Decisions by approved amount band (CNY), declines in <c>0</c>.</param>
public sealed record OutcomeFigures(
    IReadOnlyDictionary<string, long> Outcomes, IReadOnlyDictionary<string, decimal> Rates, decimal TotalApprovedLimit, decimal MeanApprovedLimit,
    IReadOnlyDictionary<string, long> LimitDistribution);

/// <summary>Per grade: decisions rated so, their mean annual rate and total expected loss, recorded and candidate.</summary>
public sealed record GradeFigures(
    string Grade, long Recorded, long Candidate, decimal RecordedMeanRate, decimal CandidateMeanRate, decimal RecordedExpectedLoss, decimal CandidateExpectedLoss);

/// <summary>One decision the candidate would have made differently, with every differing field outside the trace.</summary>
public sealed record ChangedDecision(
    Guid DecisionId, string ApplicationId, string RecordedOutcome, string CandidateOutcome, decimal RecordedLimit, decimal CandidateLimit,
    IReadOnlyList<JsonDifference> Differences);

/// <summary>
/// Re-evaluates every logged decision of a period under candidate rules, in batches on every core as the log
/// streams them, each with the application and portfolio version it was decided with, and compares with what was
/// decided.
/// </summary>
public sealed class Backtester(IDecisionLog log, DecisionReplayer replayer)
{
    public const int MaxPageSize = 200;
    private const int BatchSize = 512;

    public async Task<BacktestReport> RunAsync(
        RulesetSnapshot candidate, IReadOnlyList<RuleError> caseFailures, DateTimeOffset? from, DateTimeOffset? to, int page, int pageSize,
        CancellationToken cancellationToken)
    {
        var comparison = new DecisionComparison(page, pageSize);
        var portfolios = new ConcurrentDictionary<string, Task<PortfolioSnapshot>>(StringComparer.Ordinal);
        var batch = new List<LogRecord>(BatchSize);

        await foreach (var record in log.ExportAsync(from, to, cancellationToken))
        {
            if (record.Kind != RecordKinds.Decision) continue;
            batch.Add(record);
            if (batch.Count < BatchSize) continue;
            await CompareAsync();
            batch.Clear();
        }
        await CompareAsync();
        return comparison.Report(candidate.Id, caseFailures, from, to);

        // Re-decides a batch on every core, then counts it in log order, so pages of changed decisions are stable.
        async Task CompareAsync()
        {
            var redecided = new Redecided[batch.Count];
            await Parallel.ForEachAsync(Enumerable.Range(0, batch.Count), cancellationToken, async (i, token) =>
            {
                var recorded = JsonSerializer.Deserialize<DecisionResponse>(batch[i].ResponseJson, ContractJson.Options)!;
                var application = StoredApplication.Read(batch[i].RequestJson);
                var portfolio = await portfolios.GetOrAdd(recorded.Portfolio.Version, version => replayer.PortfolioAsync(version, token));
                var again = DecisionPipeline.Evaluate(candidate, portfolio, application, recorded.DecisionId, recorded.DecidedAt);
                var differences = DecisionComparison.Differences(batch[i].ResponseJson, JsonSerializer.SerializeToNode(again, ContractJson.Options));
                redecided[i] = new Redecided(recorded, again, differences);
            });
            foreach (var (recorded, again, differences) in redecided) comparison.Add(recorded, again, differences);
        }
    }

    private sealed record Redecided(DecisionResponse Recorded, DecisionResponse Candidate, IReadOnlyList<JsonDifference> Differences);

}
