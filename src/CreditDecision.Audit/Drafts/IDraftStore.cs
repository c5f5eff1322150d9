namespace CreditDecision.Audit.Drafts;

/// <summary>
/// Policy drafts, kept in the decision log's database so that every node sees the same drafts: each save is a new
/// version of the whole file set, and the draft row says which version is current and where the draft stands in its
/// review. Changes of state are conditional on the state and version read, so two nodes never both win.
/// </summary>
public interface IDraftStore
{
    /// <summary>Stores a new draft with its first version.</summary>
    Task CreateDraftAsync(Draft draft, DraftVersion first, CancellationToken cancellationToken);

    /// <summary>Every draft, newest first.</summary>
    Task<IReadOnlyList<Draft>> ListDraftsAsync(CancellationToken cancellationToken);

    Task<Draft?> FindDraftAsync(Guid draftId, CancellationToken cancellationToken);

    Task<DraftVersion?> FindDraftVersionAsync(Guid draftId, int version, CancellationToken cancellationToken);

    /// <summary>
    /// Stores <paramref name="next"/> and makes it current, provided the draft is still <paramref name="expected"/>
    /// (same state and version); returns false, storing nothing, when it is not.
    /// </summary>
    Task<bool> SaveDraftVersionAsync(Draft expected, Draft updated, DraftVersion next, CancellationToken cancellationToken);

    /// <summary>Replaces the draft row with <paramref name="updated"/>, provided it is still <paramref name="expected"/>; false when it is not.</summary>
    Task<bool> UpdateDraftAsync(Draft expected, Draft updated, CancellationToken cancellationToken);

    Task AddDraftBacktestAsync(DraftBacktest backtest, CancellationToken cancellationToken);

    /// <summary>The backtests run on a draft, newest first (without their reports).</summary>
    Task<IReadOnlyList<DraftBacktest>> ListDraftBacktestsAsync(Guid draftId, CancellationToken cancellationToken);

    /// <summary>A backtest with its HTML report, or null.</summary>
    Task<DraftBacktest?> FindDraftBacktestAsync(Guid draftId, Guid backtestId, CancellationToken cancellationToken);
}

/// <summary>Where a draft stands.</summary>
public static class DraftStates
{
    /// <summary>Being edited; the only state in which files can be saved.</summary>
    public const string Editing = "editing";

    /// <summary>Submitted for approval with a rationale; waits for a checker.</summary>
    public const string Submitted = "submitted";

    /// <summary>Approved by a checker; can no longer change, only be promoted.</summary>
    public const string Approved = "approved";

    /// <summary>Promoted: its rules went live.</summary>
    public const string Promoted = "promoted";

    public static readonly IReadOnlyList<string> All = [Editing, Submitted, Approved, Promoted];
}

/// <summary>A policy draft: the mutable row of a draft.</summary>
/// <param name="BaseSnapshotId">The version set the draft started from.</param>
/// <param name="Version">The current version of the draft's files, from 1.</param>
/// <param name="Authors">Every user who created the draft or saved a version of it: none of them may approve it.</param>
/// <param name="Rationale">Why the change is proposed, given when submitted.</param>
/// <param name="Checker">The user who approved or last rejected the draft.</param>
/// <param name="ReviewComment">The checker's comment.</param>
/// <param name="ApprovedAgainst">The live version set when the draft was approved: promotion is refused once live has moved on.</param>
/// <param name="PromotionId">Id of the promotion record in the decision log's chain.</param>
public sealed record Draft(
    Guid DraftId,
    string Name,
    string BaseSnapshotId,
    string CreatedBy,
    DateTimeOffset CreatedAt,
    string State,
    int Version,
    IReadOnlyList<string> Authors,
    string? Rationale = null,
    string? SubmittedBy = null,
    string? Checker = null,
    string? ReviewComment = null,
    DateTimeOffset? ReviewedAt = null,
    string? ApprovedAgainst = null,
    Guid? PromotionId = null);

/// <summary>One saved version of a draft's files, with what its cases showed when it was saved.</summary>
/// <param name="Files">File name to content: rulesets and cases files, as in a rules folder.</param>
/// <param name="SnapshotId">The version set the files compile to.</param>
/// <param name="CaseFailures">Failing cases and cases-gate gaps as JSON (an array of rule errors); <c>[]</c> when every case passes.</param>
public sealed record DraftVersion(
    Guid DraftId, int Version, IReadOnlyDictionary<string, byte[]> Files, string SnapshotId, string SavedBy, DateTimeOffset SavedAt, string CaseFailures);

/// <summary>A backtest run on one version of a draft: the evidence a checker needs.</summary>
/// <param name="Html">The report as the backtest's HTML page; empty in listings.</param>
public sealed record DraftBacktest(
    Guid BacktestId, Guid DraftId, int Version, string SnapshotId, DateTimeOffset? From, DateTimeOffset? To, long Decisions, long ChangedDecisions,
    string RunBy, DateTimeOffset RunAt, string Html);

/// <summary>The four eyes behind a promoted draft, as its promotion record keeps them.</summary>
/// <param name="Makers">Who created the draft or saved a version of it.</param>
/// <param name="Checker">Who approved it: never one of the makers.</param>
/// <param name="Rationale">The makers' reason for the change.</param>
/// <param name="Comment">The checker's comment.</param>
/// <param name="DraftVersion">The draft version approved and promoted.</param>
/// <param name="CasesVersion">The draft version whose cases all passed (the approved one).</param>
/// <param name="BacktestIds">The backtests of the approved version the checker had.</param>
public sealed record DraftApproval(
    Guid DraftId, string DraftName, int DraftVersion, IReadOnlyList<string> Makers, string Checker, string Rationale, string? Comment,
    DateTimeOffset ApprovedAt, int CasesVersion, IReadOnlyList<Guid> BacktestIds);
