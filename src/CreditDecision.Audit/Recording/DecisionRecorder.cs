using CreditDecision.Audit.Challenger;
using CreditDecision.Audit.Cluster;
using CreditDecision.Audit.Log;
using CreditDecision.Core.Contracts;
using CreditDecision.Core.Decisions;

namespace CreditDecision.Audit.Recording;

/// <summary>
/// A logged decision: the response JSON exactly as logged (serialized once, for the log and the caller alike), and
/// the trace it holds when the decision was just made. <see cref="Replayed"/> when it is the stored answer to an
/// earlier request.
/// </summary>
public sealed record RecordedDecision(
    Guid DecisionId, string ResponseJson, bool Replayed, IReadOnlyList<StageTrace>? Trace = null, TraceTemplate? Template = null)
{
    /// <summary>The response as the caller receives it: the logged response with its trace cut to <paramref name="traceLevel"/> (<see cref="TraceView"/>).</summary>
    public string Body(string traceLevel) => TraceView.Of(ResponseJson, traceLevel, Trace, Template);
}

/// <summary>
/// Decide and log, the use case behind <c>POST /decide</c>: makes a decision (<see cref="DecisionService"/>) and
/// writes it to the log before anyone sees it, so a decision returned by <see cref="DecideAsync"/> is durable. A
/// request under an idempotency key its caller already used gets the stored decision; keys are per caller, so two
/// callers never see each other's decisions. A logged decision is then offered to the challenger, if one is
/// configured, without waiting for it.
/// </summary>
public sealed class DecisionRecorder(
    DecisionService decisions, IDecisionLog log, DecisionLogWriter writer, ChallengerShadow? challenger = null, IActivationNumbers? activations = null)
{
    /// <exception cref="IdempotencyConflictException">The key was used before for a different request.</exception>
    public async Task<RecordedDecision> DecideAsync(LoanApplication application, CallerContext caller, CancellationToken cancellationToken)
    {
        var requestJson = LogRecords.RequestJson(application);
        var requestHash = LogRecords.Sha256(requestJson);
        if (caller.IdempotencyKey is { } key && await log.FindByIdempotencyKeyAsync(caller.Caller, key, cancellationToken) is { } earlier)
        {
            return Replay(earlier, requestHash);
        }

        var (response, snapshot, portfolio) = decisions.Decide(application);
        var record = LogRecords.Decision(application, requestJson, response, snapshot, caller, activations?.ActivationOf(snapshot));
        var stored = await writer.AppendAsync(record, snapshot, portfolio, cancellationToken);
        if (stored.Duplicate) return Replay(stored.Record, requestHash);
        challenger?.Offer(application, response, portfolio);
        return new RecordedDecision(record.RecordId, record.ResponseJson, Replayed: false, response.Trace, TraceTemplate.Of(snapshot));
    }

    private static RecordedDecision Replay(LogRecord earlier, string requestHash)
    {
        if (earlier.RequestHash != requestHash) throw new IdempotencyConflictException(earlier.IdempotencyKey!, earlier.RecordId);
        return new RecordedDecision(earlier.RecordId, earlier.ResponseJson, Replayed: true);
    }
}

/// <summary>An idempotency key came back with a different request body.</summary>
public sealed class IdempotencyConflictException(string key, Guid decisionId)
    : Exception($"Idempotency key '{key}' was already used for a different request (decision {decisionId}).")
{
    public string Key { get; } = key;
    public Guid DecisionId { get; } = decisionId;
}
