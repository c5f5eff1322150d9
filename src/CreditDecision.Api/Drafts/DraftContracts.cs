using CreditDecision.Audit.Backtests;
using CreditDecision.Audit.Drafts;
using CreditDecision.Core.Contracts;
using CreditDecision.Core.Rules;

namespace CreditDecision.Api.Drafts;

/// <summary>Starts a draft.</summary>
/// <param name="Name">What the change is, in a few words (1 to 100 characters).</param>
/// <param name="FromSnapshotId">The version set to start from: the live one when absent, else any set some logged decision used.</param>
public sealed record DraftRequest(string? Name = null, string? FromSnapshotId = null);

/// <summary>A rule to add to a ruleset file of a draft, after its last rule.</summary>
/// <param name="RuleName">Letters, digits and underscores; unique within the file.</param>
/// <param name="Expression">When the rule fires, in the rule format's expression language; the sandbox checks it as it checks every save.</param>
/// <param name="Description">What the rule is for and why its threshold is where it is.</param>
/// <param name="Enabled">False adds the rule switched off.</param>
/// <param name="Output">The value the rule produces: required in the limit and pricing stages, not allowed elsewhere.</param>
/// <param name="Properties">The stage's fields of the rule: Effect, ReasonCode and Message (approval), Factor and Points (rating), Code, Level and Message (early-warning), and so on.</param>
public sealed record DraftRuleRequest(
    string? RuleName = null, string? Expression = null, string? Description = null, bool Enabled = true, string? Output = null,
    System.Text.Json.Nodes.JsonObject? Properties = null);

/// <summary>Submits a draft for approval.</summary>
/// <param name="Rationale">Why the policy should change: what the checker and the auditors read.</param>
public sealed record DraftSubmission(string? Rationale = null);

/// <summary>A checker's verdict on a submitted draft.</summary>
/// <param name="Verdict"><c>approve</c> or <c>reject</c>.</param>
/// <param name="Comment">The checker's comment; required to reject.</param>
public sealed record DraftReview(string? Verdict = null, string? Comment = null);

/// <summary>Backtests a draft's current version.</summary>
/// <param name="From">Start of the period of logged decisions re-decided (inclusive); the start of the log when absent.</param>
/// <param name="To">End of the period (exclusive); now when absent.</param>
public sealed record DraftBacktestRequest(DateTimeOffset? From = null, DateTimeOffset? To = null);

/// <summary>A draft as listed.</summary>
/// <param name="State">editing, submitted, approved or promoted.</param>
/// <param name="Version">The draft's current version, from 1; each save adds one.</param>
public sealed record DraftSummary(
    Guid DraftId, string Name, [property: ClosedSet(DraftStates.Editing, DraftStates.Submitted, DraftStates.Approved, DraftStates.Promoted)] string State, int Version, string CreatedBy,
    DateTimeOffset CreatedAt, string? Checker)
{
    public static DraftSummary From(Draft draft) =>
        new(draft.DraftId, draft.Name, draft.State, draft.Version, draft.CreatedBy, draft.CreatedAt, draft.Checker);
}

/// <summary>A draft with its evidence.</summary>
/// <param name="State">editing, submitted, approved or promoted.</param>
/// <param name="Version">The current version of the draft's files.</param>
/// <param name="BaseSnapshotId">The version set the draft started from.</param>
/// <param name="SnapshotId">The version set the current files compile to.</param>
/// <param name="Authors">Who created the draft or saved a version of it: none of them may approve it.</param>
/// <param name="Files">The files of the current version: rulesets and their cases.</param>
/// <param name="Cases">The cases of the current version, run when it was saved.</param>
/// <param name="Backtests">Backtests of the draft, newest first; <c>current</c> marks those of the current version.</param>
/// <param name="Changes">What the current version changes against the live rules, per ruleset, in words.</param>
/// <param name="ApprovedAgainst">The live version set when the draft was approved.</param>
/// <param name="PromotionId">The promotion record in the decision log, once promoted.</param>
public sealed record DraftView(
    Guid DraftId, string Name, [property: ClosedSet(DraftStates.Editing, DraftStates.Submitted, DraftStates.Approved, DraftStates.Promoted)] string State, int Version,
    string BaseSnapshotId, string SnapshotId, string CreatedBy, DateTimeOffset CreatedAt, IReadOnlyList<string> Authors, string SavedBy,
    DateTimeOffset SavedAt, IReadOnlyList<string> Files, DraftCases Cases, IReadOnlyList<DraftBacktestSummary> Backtests,
    IReadOnlyList<RulesetChange> Changes, string? Rationale, string? SubmittedBy, string? Checker, string? ReviewComment, DateTimeOffset? ReviewedAt,
    string? ApprovedAgainst, Guid? PromotionId)
{
    public static DraftView From(DraftState state, IReadOnlyList<RulesetChange> changes)
    {
        var (draft, version, backtests) = state;
        return new(draft.DraftId, draft.Name, draft.State, draft.Version, draft.BaseSnapshotId, version.SnapshotId, draft.CreatedBy, draft.CreatedAt,
            draft.Authors, version.SavedBy, version.SavedAt, [.. version.Files.Keys.Order(StringComparer.Ordinal)],
            new DraftCases(version.Version, state.CasesPass, state.CaseFailures),
            [.. backtests.Select(b => DraftBacktestSummary.Of(b, draft.Version))], changes,
            draft.Rationale, draft.SubmittedBy, draft.Checker, draft.ReviewComment, draft.ReviewedAt, draft.ApprovedAgainst, draft.PromotionId);
    }
}

/// <summary>The cases of one draft version.</summary>
/// <param name="Passed">True when every case passes and the cases leave no rule, cap or rate limit untested.</param>
/// <param name="Failures">Each failing case with its differences (expected against actual), and each gap.</param>
public sealed record DraftCases(int Version, bool Passed, IReadOnlyList<RuleError> Failures);

/// <summary>One backtest of a draft; its HTML report is at <c>GET /drafts/{draftId}/backtests/{backtestId}</c>.</summary>
/// <param name="Current">True when it ran on the draft's current version: only such a backtest counts for approval.</param>
/// <param name="Decisions">Logged decisions re-decided.</param>
/// <param name="ChangedDecisions">Those the draft decides differently.</param>
public sealed record DraftBacktestSummary(
    Guid BacktestId, int Version, bool Current, string SnapshotId, DateTimeOffset? From, DateTimeOffset? To, long Decisions, long ChangedDecisions,
    string RunBy, DateTimeOffset RunAt)
{
    public static DraftBacktestSummary Of(DraftBacktest backtest, int currentVersion) => new(
        backtest.BacktestId, backtest.Version, backtest.Version == currentVersion, backtest.SnapshotId, backtest.From, backtest.To,
        backtest.Decisions, backtest.ChangedDecisions, backtest.RunBy, backtest.RunAt);
}

/// <summary>A backtest of a draft: its summary as evidence on the draft, and the report.</summary>
public sealed record DraftBacktestResult(DraftBacktestSummary Backtest, BacktestReport Report);
