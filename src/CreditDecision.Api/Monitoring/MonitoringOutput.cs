using CreditDecision.Core.Contracts;

namespace CreditDecision.Api.Monitoring;

/// <summary>One line of an NDJSON monitoring response: a result, an error, or (last) the summary.</summary>
/// <param name="Line">Line number of the loan in the request (1-based); for a JSON array, the item's position.</param>
/// <param name="DefaultRecorded">
/// The id of the <c>default</c> outcome this review recorded for its origination decision (it crossed the rating ruleset's
/// default definition and the decision was not already in default); absent when it recorded none.
/// </param>
public sealed record MonitoringLine(
    long? Line = null, MonitoringResult? Result = null, LoanError? Error = null, MonitoringSummary? Summary = null, Guid? DefaultRecorded = null);

/// <summary>Why one loan of a batch got no result; the other loans are unaffected.</summary>
/// <param name="Errors">Field errors keyed by JSON path, as in a validation problem.</param>
public sealed record LoanError(string Title, IReadOnlyDictionary<string, string[]>? Errors = null);

/// <summary>Counts over a whole monitoring run.</summary>
/// <param name="Loans">Loans read (results plus errors).</param>
/// <param name="ByLevel">Reviewed loans per warning level.</param>
/// <param name="ByAction">Reviewed loans per recommended action.</param>
/// <param name="ByPhase">Reviewed loans per recovery phase.</param>
/// <param name="SnapshotId">The one ruleset version set every loan of the run was reviewed with.</param>
public sealed record MonitoringSummary(
    long Loans,
    long Reviewed,
    long Failed,
    IReadOnlyDictionary<string, long> ByLevel,
    IReadOnlyDictionary<string, long> ByAction,
    IReadOnlyDictionary<string, long> ByPhase,
    string SnapshotId);

/// <summary>The response to a JSON-array monitoring request.</summary>
public sealed record MonitoringBatchResponse(IReadOnlyList<MonitoringLine> Results, IReadOnlyList<MonitoringLine> Errors, MonitoringSummary Summary);

/// <summary>Accumulates the summary as results stream past.</summary>
internal sealed class SummaryCounter(string snapshotId)
{
    private readonly SortedDictionary<string, long> _byLevel = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, long> _byAction = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, long> _byPhase = new(StringComparer.Ordinal);
    private long _reviewed;
    private long _failed;

    public void Count(MonitoringLine line)
    {
        if (line.Result is { } result)
        {
            _reviewed++;
            Increment(_byLevel, result.WarningLevel);
            Increment(_byAction, result.RecommendedAction);
            Increment(_byPhase, result.RecoveryPhase);
        }
        else
        {
            _failed++;
        }
    }

    public MonitoringSummary Summary() => new(_reviewed + _failed, _reviewed, _failed, _byLevel, _byAction, _byPhase, snapshotId);

    private static void Increment(SortedDictionary<string, long> counts, string key) =>
        counts[key] = counts.GetValueOrDefault(key) + 1;
}
