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

    /// <summary>The records of a kind about one subject, in chain order: e.g. the final decisions on a decision (subject: its id).</summary>
    Task<IReadOnlyList<LogRecord>> FindBySubjectAsync(string kind, string subject, CancellationToken cancellationToken);

    /// <summary>Engine decisions that referred the application, with or without a final decision, oldest first (one more than the page, to tell if more follow).</summary>
    Task<IReadOnlyList<LogRecord>> ReferralsAsync(ReferralQuery query, CancellationToken cancellationToken);

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

    /// <summary>The latest decision (not a review) logged for an application, or null: the decision that granted a loan.</summary>
    Task<LogRecord?> FindLatestDecisionAsync(string applicationId, CancellationToken cancellationToken);

    /// <summary>
    /// The book as the log held it: for each loan, its latest review logged before <paramref name="before"/>, in log order.
    /// The stored review request comes too when <paramref name="withRequests"/>.
    /// </summary>
    IAsyncEnumerable<LoggedReview> LatestReviewsAsync(DateTimeOffset before, bool withRequests, CancellationToken cancellationToken);
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
    string? Kind = null)
{
    /// <summary>Only engine decisions whose latest final decision matches; null: any record.</summary>
    public FinalQuery? Final { get; init; }
}

/// <summary>What the latest final decision on a decision must be; null members mean any.</summary>
/// <param name="Outcome">approve, decline or approve-with-conditions.</param>
/// <param name="Overridden">Whether it overrides the engine.</param>
/// <param name="Officer">The credit officer (key name) who recorded it.</param>
public sealed record FinalQuery(string? Outcome, bool? Overridden, string? Officer);

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
    [property: ClosedSet(RecordKinds.Decision, RecordKinds.Monitoring, RecordKinds.Promotion, RecordKinds.Final, RecordKinds.Outcome)] string Kind);

/// <summary>A loan's latest review as the log holds it.</summary>
/// <param name="RequestJson">The review request as stored; null unless asked for.</param>
public sealed record LoggedReview(string LoanId, string? RequestJson, string ResponseJson);

/// <summary>Filters for <see cref="IDecisionLog.ReferralsAsync"/>.</summary>
/// <param name="Finalised">False: referrals no final decision has closed (the queue); true: those a final decision closed.</param>
/// <param name="DecidedBefore">Only referrals decided before this instant; null: any.</param>
/// <param name="AuthorityLevel">Only referrals that need this approval level; null: any.</param>
public sealed record ReferralQuery(bool Finalised, DateTimeOffset? DecidedBefore, string? AuthorityLevel, int Page, int PageSize);
