using System.Text.Json.Nodes;
using System.Text.Json;
using CreditDecision.Audit.Backtests;
using CreditDecision.Core.Contracts;

namespace CreditDecision.Audit.Challenger;

/// <summary>The champion's logged decisions of a period against the challenger's results for the same applications.</summary>
/// <param name="Decisions">Decisions logged in the period.</param>
/// <param name="NotShadowed">Of those, how many have no challenger result (skipped, failed, or made before the challenger existed).</param>
/// <param name="ChallengerSnapshots">The challenger version sets that produced the results, with how many each.</param>
/// <param name="Comparison">The backtest comparison over the shadowed decisions; its candidate is the latest challenger version set.</param>
public sealed record ChallengerReport(
    DateTimeOffset? From, DateTimeOffset? To, long Decisions, long NotShadowed, IReadOnlyDictionary<string, long> ChallengerSnapshots, BacktestReport Comparison);

/// <summary>Builds the challenger report from the log alone, so it covers every node and survives restarts.</summary>
public sealed class ChallengerReporter(IChallengerResults log)
{
    public async Task<ChallengerReport> ReportAsync(DateTimeOffset? from, DateTimeOffset? to, int page, int pageSize, CancellationToken cancellationToken)
    {
        var comparison = new DecisionComparison(page, pageSize);
        var snapshots = new SortedDictionary<string, long>(StringComparer.Ordinal);
        long decisions = 0, notShadowed = 0;
        var latest = "";
        await foreach (var shadowed in log.ExportShadowedAsync(from, to, cancellationToken))
        {
            decisions++;
            if (shadowed is not { ChallengerSnapshotId: { } snapshotId, ChallengerResponseJson: { } challengerJson })
            {
                notShadowed++;
                continue;
            }
            snapshots[snapshotId] = snapshots.GetValueOrDefault(snapshotId) + 1;
            latest = snapshotId;
            var challenger = JsonNode.Parse(challengerJson);
            comparison.Add(
                JsonSerializer.Deserialize<DecisionResponse>(shadowed.ResponseJson, ContractJson.Options)!,
                challenger.Deserialize<DecisionResponse>(ContractJson.Options)!,
                DecisionComparison.Differences(shadowed.ResponseJson, challenger));
        }
        return new ChallengerReport(from, to, decisions, notShadowed, snapshots, comparison.Report(latest, [], from, to));
    }
}
