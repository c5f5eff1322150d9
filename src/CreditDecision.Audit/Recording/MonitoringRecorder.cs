using CreditDecision.Audit.Log;
using CreditDecision.Core.Contracts;
using CreditDecision.Core.Decisions;
using CreditDecision.Core.Rules;
using CreditDecision.Core.Telemetry;

namespace CreditDecision.Audit.Recording;

/// <summary>A loan review made and queued for the log; <see cref="Durable"/> completes when the record is committed.</summary>
public sealed record QueuedReview(MonitoringResult Result, Task<AppendResult> Durable);

/// <summary>
/// Review and log, the use case behind <c>POST /monitor</c>: reviews loans and logs each review like a decision.
/// The result may be read at once, but it must not be sent before <see cref="QueuedReview.Durable"/> completes.
/// </summary>
public sealed class MonitoringRecorder(DecisionLogWriter writer, TimeProvider clock, ServiceMetrics? metrics = null)
{
    /// <summary>Reviews a validated loan (see <see cref="ReviewValidator"/>) with the batch's snapshot.</summary>
    /// <param name="origination">The origination read from the log for a linked review; the record keeps the decision it names.</param>
    public async Task<QueuedReview> ReviewAsync(
        LoanReview review, RulesetSnapshot snapshot, CallerContext caller, CancellationToken cancellationToken, Origination? origination = null)
    {
        var now = RecordTime.Now(clock);
        if (origination?.DecisionId is { } linked) review = review with { DecisionId = linked };
        var result = MonitoringPipeline.Evaluate(snapshot, review, Guid.CreateVersion7(now), now, origination);
        metrics?.MonitoringReviews.Add(1, new KeyValuePair<string, object?>("level", result.WarningLevel));
        var record = LogRecords.Review(review, result, snapshot, caller);
        return new QueuedReview(result, writer.AppendAsync(record, snapshot, portfolio: null, cancellationToken));
    }
}
