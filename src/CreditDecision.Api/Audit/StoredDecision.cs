using System.Text.Json;
using CreditDecision.Audit.Log;
using CreditDecision.Core.Contracts;

namespace CreditDecision.Api.Audit;

/// <summary>A logged decision (or loan review) as an auditor reads it: the request and response as stored, and the chain fields.</summary>
/// <param name="Kind"><c>decision</c>, <c>monitoring</c>, <c>promotion</c>, <c>final</c> (a credit officer's final decision; its applicationId is the id of the decision it finalises) or <c>outcome</c>.</param>
/// <param name="Position">Place in the hash chain.</param>
/// <param name="RequestHash">SHA-256 of the stored request JSON.</param>
/// <param name="PreviousHash">Record hash of the record before this one.</param>
/// <param name="RecordHash">SHA-256 over this record's fields, position and previous hash.</param>
/// <param name="Activation">The cluster activation number of the rules used (PostgreSQL log); in the hash of records written since schema version 6.</param>
/// <param name="Finals">
/// Optional: for an engine decision read on its own (<c>GET /decisions/{decisionId}</c>), the final decisions credit officers
/// recorded on it, oldest first (each later one supersedes the one before); empty when none. Absent in exports and
/// for other kinds: each final is a record of its own there.
/// </param>
public sealed record StoredDecision(
    [property: ClosedSet(RecordKinds.Decision, RecordKinds.Monitoring, RecordKinds.Promotion, RecordKinds.Final, RecordKinds.Outcome)] string Kind,
    Guid DecisionId,
    long Position,
    string ApplicationId,
    string EnterpriseId,
    string Outcome,
    DateTimeOffset DecidedAt,
    string Caller,
    string RequestId,
    string? IdempotencyKey,
    string SnapshotId,
    IReadOnlyList<RulesetVersionRef> Rulesets,
    string EngineVersion,
    string ServiceVersion,
    string RequestHash,
    string PreviousHash,
    string RecordHash,
    JsonElement Request,
    JsonElement Response,
    long? Activation,
    IReadOnlyList<FinalDecision>? Finals = null)
{
    public static StoredDecision From(LogRecord record, IReadOnlyList<LogRecord>? finals = null) => new(
        record.Kind,
        record.RecordId,
        record.Position,
        record.Subject,
        record.EnterpriseId,
        record.Outcome,
        record.RecordedAt,
        record.Caller,
        record.RequestId,
        record.IdempotencyKey,
        record.SnapshotId,
        RulesetVersionsJson.Parse(record.RulesetVersions),
        record.EngineVersion,
        record.ServiceVersion,
        record.RequestHash,
        record.PreviousHash,
        record.RecordHash,
        JsonElement.Parse(record.RequestJson),
        JsonElement.Parse(record.ResponseJson),
        record.ClusterActivation,
        finals?.Select(final => JsonSerializer.Deserialize<FinalDecision>(final.ResponseJson, ContractJson.Options)!).ToList());
}
