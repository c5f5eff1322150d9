using System.Text.Json;
using CreditDecision.Audit.Log;
using CreditDecision.Core.Contracts;
using CreditDecision.Core.Decisions;
using CreditDecision.Core.Rules;

namespace CreditDecision.Audit.Recording;

/// <summary>An outcome recorded (or found already recorded), or why it was refused, field by field.</summary>
public sealed record OutcomeResult(RecordedOutcome? Recorded, IReadOnlyDictionary<string, string[]>? Errors)
{
    public static OutcomeResult Refused(string field, string message) => new(null, new Dictionary<string, string[]> { [field] = [message] });
}

/// <summary>
/// Record and log, the use case behind <c>POST /outcomes</c>: finds the decision an outcome is about, checks its
/// date against it, and appends the outcome to the log's chain. The same event of the same decision on the same
/// date is one record whoever sends it and however often (<see cref="LogRecords.OutcomeId"/>).
/// </summary>
public sealed class OutcomeRecorder(IDecisionLog log, DecisionLogWriter writer, TimeProvider clock)
{
    /// <summary>Validates, resolves and logs one outcome; returns once it is durable.</summary>
    public async Task<OutcomeResult> RecordAsync(LoanOutcome outcome, RulesetSnapshot snapshot, CallerContext caller, CancellationToken cancellationToken)
    {
        var invalid = OutcomeValidator.Validate(outcome);
        if (invalid.Count > 0) return new OutcomeResult(null, invalid);

        var decision = outcome.DecisionId is { } id ? await ByIdAsync(id, cancellationToken) : await ByApplicationAsync(outcome.ApplicationId!, cancellationToken);
        if (decision is null)
        {
            return outcome.DecisionId is not null
                ? OutcomeResult.Refused("decisionId", "no decision with this id is in the log")
                : OutcomeResult.Refused("applicationId", "no decision for this application is in the log");
        }
        var now = RecordTime.Now(clock);
        var decidedOn = DateOnly.FromDateTime(decision.DecidedAt.UtcDateTime);
        if (outcome.Date < decidedOn) return OutcomeResult.Refused("date", $"must not be before the decision ({decidedOn:yyyy-MM-dd})");
        if (outcome.Date > DateOnly.FromDateTime(now.UtcDateTime)) return OutcomeResult.Refused("date", "must not be in the future");

        var resolved = outcome with { DecisionId = decision.DecisionId, ApplicationId = decision.ApplicationId };
        var record = LogRecords.Outcome(resolved, decision.EnterpriseId, now, snapshot, caller);
        var stored = await writer.AppendAsync(record, snapshot, portfolio: null, cancellationToken);
        return new OutcomeResult(Read(stored.Record, stored.Duplicate), null);
    }

    /// <summary>An outcome record as the API shows it.</summary>
    public static RecordedOutcome Read(LogRecord record, bool duplicate = false)
    {
        var outcome = JsonSerializer.Deserialize<LoanOutcome>(record.RequestJson, ContractJson.Options)!;
        return new RecordedOutcome(
            record.RecordId, outcome.DecisionId!.Value, outcome.ApplicationId!, ContractJson.WireName(outcome.Event!.Value), outcome.Date!.Value,
            record.Position, record.RecordedAt, record.Caller, duplicate);
    }

    private async Task<DecisionSummary?> ByIdAsync(Guid decisionId, CancellationToken cancellationToken) =>
        await log.FindAsync(decisionId, cancellationToken) is { Kind: RecordKinds.Decision } record
            ? new DecisionSummary(record.RecordId, record.Position, record.Subject, record.EnterpriseId, record.Outcome, record.RecordedAt,
                record.Caller, record.SnapshotId, record.Kind)
            : null;

    private async Task<DecisionSummary?> ByApplicationAsync(string applicationId, CancellationToken cancellationToken) =>
        (await log.SearchAsync(new DecisionQuery(ApplicationId: applicationId, Kind: RecordKinds.Decision, PageSize: 1), cancellationToken))
            .Items.FirstOrDefault();
}
