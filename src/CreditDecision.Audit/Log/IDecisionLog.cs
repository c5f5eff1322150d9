using CreditDecision.Core.Contracts;
using CreditDecision.Core.Portfolio;
using CreditDecision.Core.Rules;

namespace CreditDecision.Audit.Log;

/// <summary>
/// The durable decision log. Appends are chained (see <see cref="DecisionChain"/>) inside one write transaction
/// that serializes every writer, whichever node it runs on, so the log has one total order and one chain.
/// </summary>
public interface IDecisionLog : IAsyncDisposable
{
    /// <summary>Creates the schema or brings it up to date. Safe when several nodes start at once.</summary>
    Task MigrateAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Writes a batch in one transaction and returns, per item, the stored record or, for an idempotency key
    /// the same caller already used, the record stored first. When this returns, every stored record is durable.
    /// </summary>
    Task<IReadOnlyList<AppendResult>> AppendAsync(IReadOnlyList<PendingDecision> batch, CancellationToken cancellationToken);

    Task<LogRecord?> FindAsync(Guid decisionId, CancellationToken cancellationToken);

    /// <summary>The record a caller stored under an idempotency key; keys are the caller's own, so another caller's is never found.</summary>
    Task<LogRecord?> FindByIdempotencyKeyAsync(string caller, string idempotencyKey, CancellationToken cancellationToken);

    /// <summary>Decisions matching the query, newest first.</summary>
    Task<DecisionPage> SearchAsync(DecisionQuery query, CancellationToken cancellationToken);

    /// <summary>Full records decided in [from, to), oldest first, streamed.</summary>
    IAsyncEnumerable<LogRecord> ExportAsync(DateTimeOffset? from, DateTimeOffset? to, CancellationToken cancellationToken);

    /// <summary>Full records of one kind made in [from, to), oldest first, streamed.</summary>
    IAsyncEnumerable<LogRecord> ExportAsync(DateTimeOffset? from, DateTimeOffset? to, string? kind, CancellationToken cancellationToken);

    /// <summary>
    /// Walks every record the log holds against its head row, both read from one snapshot: intact only when the rows
    /// are exactly the chain the head ends (see <see cref="DecisionChain.VerifyAsync"/>).
    /// </summary>
    Task<ChainVerification> VerifyAsync(CancellationToken cancellationToken);

    /// <summary>The last record of the chain as the log's head row says.</summary>
    Task<ChainHead> ReadHeadAsync(CancellationToken cancellationToken);

    /// <summary>The file content of an archived ruleset version, or null.</summary>
    Task<byte[]?> FindRulesetAsync(string name, string version, CancellationToken cancellationToken);

    /// <summary>The file content of a portfolio version some decision used, or null.</summary>
    Task<byte[]?> FindPortfolioAsync(string version, CancellationToken cancellationToken);

    /// <summary>The ruleset versions (JSON array) of a snapshot some decision was made with, or null.</summary>
    Task<string?> FindSnapshotAsync(string snapshotId, CancellationToken cancellationToken);
}

/// <summary>A record waiting to be written, with the ruleset snapshot and portfolio version it needs archived.</summary>
public sealed record PendingDecision(LogRecord Record, RulesetSnapshot Snapshot, PortfolioSnapshot? Portfolio);

/// <summary>The stored record; <see cref="Duplicate"/> when an earlier record of the same caller already held the idempotency key.</summary>
public sealed record AppendResult(LogRecord Record, bool Duplicate);

/// <summary>Filters for <see cref="IDecisionLog.SearchAsync"/>; null means any.</summary>
public sealed record DecisionQuery(
    string? ApplicationId = null,
    string? EnterpriseId = null,
    string? Outcome = null,
    DateTimeOffset? From = null,
    DateTimeOffset? To = null,
    int Page = 1,
    int PageSize = 50,
    string? Kind = null);

/// <summary>One page of decision summaries.</summary>
public sealed record DecisionPage(int Page, int PageSize, bool HasMore, IReadOnlyList<DecisionSummary> Items);

/// <summary>What a search lists per record; the full record is at <c>GET /decisions/{decisionId}</c>.</summary>
/// <param name="ApplicationId">The application id, or the loan id of a monitoring record.</param>
/// <param name="Outcome">approve, refer or decline; the warning level of a monitoring record.</param>
public sealed record DecisionSummary(
    Guid DecisionId,
    long Position,
    string ApplicationId,
    string EnterpriseId,
    string Outcome,
    DateTimeOffset DecidedAt,
    string Caller,
    string SnapshotId,
    [property: ClosedSet(RecordKinds.Decision, RecordKinds.Monitoring, RecordKinds.Promotion, RecordKinds.Outcome)] string Kind);
