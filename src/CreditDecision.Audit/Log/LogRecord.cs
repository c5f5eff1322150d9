namespace CreditDecision.Audit.Log;

/// <summary>
/// One record of the log: a decision, a loan review or a promotion of rules (its <see cref="Kind"/>), made only by
/// <see cref="Recording.LogRecords"/> and read back by the store. Every field is covered by <see cref="RecordHash"/>; the query columns
/// (application, enterprise, outcome, time) are copies of what the request and response already say, kept so
/// the log can be searched without parsing JSON.
/// </summary>
public sealed record LogRecord
{
    /// <summary>Place in the hash chain, from 1 with no gaps; 0 until stored.</summary>
    public long Position { get; init; }

    /// <summary><c>decision</c> (POST /decide), <c>monitoring</c> (one loan of POST /monitor), <c>promotion</c> (challenger rules made live) or <c>outcome</c> (POST /outcomes).</summary>
    public required string Kind { get; init; }

    /// <summary>The record's id: the decision id, the review's id or the promotion's id.</summary>
    public required Guid RecordId { get; init; }

    /// <summary>What the record is about: the application id, the loan id of a review, <c>rules-promotion</c>, or for a final decision the id of the decision it finalises.</summary>
    public required string Subject { get; init; }

    public required string EnterpriseId { get; init; }

    /// <summary>approve, refer or decline; for a review the warning level; for a promotion <c>promoted</c>.</summary>
    public required string Outcome { get; init; }

    /// <summary>When the decision, review or promotion was made, to the millisecond (see <see cref="Core.Decisions.RecordTime"/>).</summary>
    public required DateTimeOffset RecordedAt { get; init; }

    /// <summary>The authenticated caller, or <c>anonymous</c>.</summary>
    public required string Caller { get; init; }

    public required string RequestId { get; init; }

    /// <summary>The client's idempotency key; a second request of the same caller with it gets this decision back.</summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>SHA-256 (hex) of <see cref="RequestJson"/>: tells a retry from a different request under the same key.</summary>
    public required string RequestHash { get; init; }

    /// <summary>The application as the service understood it, in the contract's canonical JSON.</summary>
    public required string RequestJson { get; init; }

    /// <summary>The response exactly as sent, trace included.</summary>
    public required string ResponseJson { get; init; }

    /// <summary>Id of the ruleset snapshot the decision was made with.</summary>
    public required string SnapshotId { get; init; }

    /// <summary>JSON array of the snapshot's ruleset versions (name, stage, version, label).</summary>
    public required string RulesetVersions { get; init; }

    public required string EngineVersion { get; init; }
    public required string ServiceVersion { get; init; }

    /// <summary>
    /// The cluster activation number of the rules used, where rules are activated through a shared database. Covered
    /// by <see cref="RecordHash"/> in records written since schema version 6; in older records it is outside the hash.
    /// <see cref="SnapshotId"/> is what proves which rules decided.
    /// </summary>
    public long? ClusterActivation { get; init; }

    /// <summary>
    /// <see cref="RequestJson"/> and <see cref="ResponseJson"/> as the store keeps them (<see cref="StoredJson"/>), made
    /// before the record is queued; null for the kinds stored as text and for records read back.
    /// </summary>
    internal byte[]? StoredRequest { get; init; }

    /// <inheritdoc cref="StoredRequest"/>
    internal byte[]? StoredResponse { get; init; }

    /// <summary>
    /// The trace of a decision kept in compact form (<see cref="TraceTemplate"/>): its <see cref="StoredResponse"/> is then
    /// the response without the trace, and its <see cref="RulesetVersions"/> are kept once, with its snapshot. Null for
    /// the records kept whole, and for records as the store gives them back (rebuilt).
    /// </summary>
    internal string? StoredTrace { get; init; }

    /// <summary>Hash of the record before this one (64 zeros for the first).</summary>
    public string PreviousHash { get; init; } = "";

    /// <summary>SHA-256 over <see cref="PreviousHash"/>, <see cref="Position"/> and every field above (see <see cref="DecisionChain"/>).</summary>
    public string RecordHash { get; init; } = "";
}

/// <summary>What a log record holds.</summary>
public static class RecordKinds
{
    public const string Decision = "decision";
    public const string Monitoring = "monitoring";

    /// <summary>Challenger rules made the champion (POST /challenger/promote): who did it, and the version sets before and after.</summary>
    public const string Promotion = "promotion";

    /// <summary>A credit officer's final decision on an engine decision (POST /decisions/{decisionId}/final); its subject is that decision's id.</summary>
    public const string Final = "final";

    /// <summary>What happened to a decided loan (POST /outcomes): its subject is the application, its outcome the event.</summary>
    public const string Outcome = "outcome";

    /// <summary>
    /// Kinds whose record id is derived from what the record says (see <see cref="Recording.LogRecords.OutcomeId"/> and
    /// <see cref="Recording.LogRecords.FinalId"/>): an append of a record with an id already in the log stores nothing
    /// and returns the first record.
    /// </summary>
    public static bool IdentifiedByContent(string kind) => kind is Outcome or Final;
}
