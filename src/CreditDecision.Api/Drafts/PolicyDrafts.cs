using System.Text.Json;
using CreditDecision.Api.Challenger;
using CreditDecision.Api.Rules;
using CreditDecision.Audit.Backtests;
using CreditDecision.Audit.Drafts;
using CreditDecision.Audit.Recording;
using CreditDecision.Audit.Replay;
using CreditDecision.Core.Decisions;
using CreditDecision.Core.Rules;

namespace CreditDecision.Api.Drafts;

/// <summary>A draft operation was refused; nothing changed. <see cref="Status"/> is the HTTP status that says why.</summary>
public sealed class DraftRefusedException(int status, string title, string detail) : Exception(detail)
{
    public int Status { get; } = status;
    public string Title { get; } = title;
}

/// <summary>A draft file was refused by the compiler, the sandbox or the cases file's form; the draft is as it was.</summary>
public sealed class DraftFileRefusedException(IReadOnlyList<RuleError> errors) : Exception(string.Join("; ", errors))
{
    public IReadOnlyList<RuleError> Errors { get; } = errors;
}

/// <summary>
/// Policy changes made as drafts with four eyes: a draft starts from a version set, each save is checked (compiled,
/// sandboxed, its cases run) and stored as the draft's next version; the evidence (cases of the current version, its
/// backtests) decides whether a checker, never one of the draft's makers, may approve it; an approved draft no longer
/// changes and is promoted as a challenger is (<see cref="ChallengerPromotion"/>), its record naming maker, checker,
/// rationale and evidence.
/// </summary>
public sealed class PolicyDrafts(
    IDraftStore store, RulesHost rules, DecisionReplayer replayer, Backtester backtester, ChallengerPromotion promotion,
    ChallengerFolderWatcher challenger, TimeProvider clock)
{
    public const int MaxNameLength = 100;
    public const int MaxTextLength = 4000;

    public Task<IReadOnlyList<Draft>> ListAsync(CancellationToken cancellationToken) => store.ListDraftsAsync(cancellationToken);

    /// <summary>A new draft holding the rule files of <paramref name="fromSnapshotId"/> (the live set when null) and the live folder's cases files.</summary>
    /// <exception cref="DraftRefusedException">400 when the version set cannot be had.</exception>
    public async Task<DraftState> CreateAsync(string name, string? fromSnapshotId, string caller, CancellationToken cancellationToken)
    {
        var live = rules.Current;
        RulesetSnapshot source;
        if (fromSnapshotId is null)
        {
            source = live ?? throw new DraftRefusedException(StatusCodes.Status400BadRequest, "No rules are live.", "No rules are live to start from: name a version set in fromSnapshotId.");
        }
        else
        {
            try
            {
                source = await replayer.SnapshotAsync(fromSnapshotId, cancellationToken);
            }
            catch (ReplayNotPossibleException ex)
            {
                throw new DraftRefusedException(StatusCodes.Status400BadRequest, "The version set cannot be used.", ex.Message);
            }
        }

        var files = FilesOf(source, live);
        var (compiled, caseFailures) = CandidateFolder.Load(files);
        if (compiled.Snapshot is not { } snapshot)
        {
            throw new DraftRefusedException(StatusCodes.Status400BadRequest, "The version set cannot be used.",
                $"Its files do not load with today's checks: {string.Join("; ", compiled.Errors)}");
        }
        var now = clock.GetUtcNow();
        var draft = new Draft(Guid.CreateVersion7(now), name, source.Id, caller, now, DraftStates.Editing, 1, [caller]);
        var first = new DraftVersion(draft.DraftId, 1, files, snapshot.Id, caller, now, JsonSerializer.Serialize(caseFailures));
        await store.CreateDraftAsync(draft, first, cancellationToken);
        return new DraftState(draft, first, []);
    }

    /// <summary>The draft, its current version and its backtests.</summary>
    /// <exception cref="DraftRefusedException">404 when there is no such draft.</exception>
    public async Task<DraftState> GetAsync(Guid draftId, CancellationToken cancellationToken)
    {
        var draft = await store.FindDraftAsync(draftId, cancellationToken) ?? throw NotFound(draftId);
        var version = await store.FindDraftVersionAsync(draftId, draft.Version, cancellationToken)
            ?? throw new InvalidOperationException($"Draft {draftId} has no version {draft.Version}.");
        return new DraftState(draft, version, await store.ListDraftBacktestsAsync(draftId, cancellationToken));
    }

    /// <summary>One file of the draft's current version.</summary>
    /// <exception cref="DraftRefusedException">404 when there is no such draft or file.</exception>
    public async Task<byte[]> FileAsync(Guid draftId, string fileName, CancellationToken cancellationToken) =>
        (await GetAsync(draftId, cancellationToken)).Version.Files.TryGetValue(fileName, out var content)
            ? content
            : throw new DraftRefusedException(StatusCodes.Status404NotFound, "No such file.", $"Draft {draftId} has no file '{fileName}'.");

    /// <summary>
    /// Saves one file of the draft (added when new) as its next version: the whole file set must compile, pass the
    /// sandbox and run its cases (which may fail: that is evidence, shown on the draft), and a cases file must be usable.
    /// </summary>
    /// <exception cref="DraftFileRefusedException">The files do not load; nothing is stored.</exception>
    /// <exception cref="DraftRefusedException">404 no draft; 409 a draft not being edited, or saved by someone else meanwhile.</exception>
    public async Task<DraftState> SaveFileAsync(Guid draftId, string fileName, byte[] content, string caller, CancellationToken cancellationToken)
    {
        var state = await GetAsync(draftId, cancellationToken);
        var draft = state.Draft;
        if (draft.State != DraftStates.Editing)
        {
            throw new DraftRefusedException(StatusCodes.Status409Conflict, $"The draft is {draft.State}.",
                draft.State == DraftStates.Submitted
                    ? "A submitted draft cannot be edited until its checker rejects it."
                    : $"An {draft.State} draft cannot be edited; start a new draft from the live rules.");
        }
        var files = new Dictionary<string, byte[]>(state.Version.Files, StringComparer.Ordinal) { [fileName] = content };
        var (compiled, caseFailures) = CandidateFolder.Load(files, folder => CasesFileErrors(folder, fileName));
        if (compiled.Snapshot is not { } snapshot) throw new DraftFileRefusedException(compiled.Errors);

        var now = clock.GetUtcNow();
        var updated = draft with { Version = draft.Version + 1, Authors = [.. draft.Authors.Append(caller).Distinct(StringComparer.Ordinal)] };
        var next = new DraftVersion(draftId, updated.Version, files, snapshot.Id, caller, now, JsonSerializer.Serialize(caseFailures));
        if (!await store.SaveDraftVersionAsync(draft, updated, next, cancellationToken)) throw ChangedMeanwhile(draftId);
        return new DraftState(updated, next, state.Backtests);
    }

    /// <summary>Backtests the draft's current version over the logged decisions of a period, and keeps the report as evidence.</summary>
    /// <exception cref="RuleEvaluationException">A rule of the draft cannot be evaluated for a logged decision.</exception>
    public async Task<(DraftBacktest Backtest, BacktestReport Report)> BacktestAsync(
        Guid draftId, DateTimeOffset? from, DateTimeOffset? to, string caller, CancellationToken cancellationToken)
    {
        var state = await GetAsync(draftId, cancellationToken);
        var (compiled, caseFailures) = CandidateFolder.Load(state.Version.Files);
        var candidate = compiled.Snapshot ?? throw new InvalidOperationException($"Draft {draftId} version {state.Version.Version} no longer loads.");
        var report = await backtester.RunAsync(candidate, caseFailures, from, to, page: 1, pageSize: 20, cancellationToken);
        var backtest = new DraftBacktest(Guid.CreateVersion7(clock.GetUtcNow()), draftId, state.Version.Version, candidate.Id, from, to,
            report.Decisions, report.ChangedDecisions, caller, clock.GetUtcNow(), BacktestHtml.Render(report));
        await store.AddDraftBacktestAsync(backtest, cancellationToken);
        return (backtest, report);
    }

    public async Task<DraftBacktest> FindBacktestAsync(Guid draftId, Guid backtestId, CancellationToken cancellationToken) =>
        await store.FindDraftBacktestAsync(draftId, backtestId, cancellationToken)
        ?? throw new DraftRefusedException(StatusCodes.Status404NotFound, "No such backtest.", $"Draft {draftId} has no backtest {backtestId}.");

    /// <summary>Submits the draft for approval with the makers' rationale.</summary>
    public async Task<DraftState> SubmitAsync(Guid draftId, string rationale, string caller, CancellationToken cancellationToken)
    {
        var state = await GetAsync(draftId, cancellationToken);
        if (state.Draft.State != DraftStates.Editing)
        {
            throw new DraftRefusedException(StatusCodes.Status409Conflict, $"The draft is {state.Draft.State}.", "Only a draft being edited can be submitted.");
        }
        var updated = state.Draft with { State = DraftStates.Submitted, Rationale = rationale, SubmittedBy = caller };
        if (!await store.UpdateDraftAsync(state.Draft, updated, cancellationToken)) throw ChangedMeanwhile(draftId);
        return state with { Draft = updated };
    }

    /// <summary>
    /// The checker's verdict on a submitted draft. Approval needs a checker who neither made nor submitted the draft,
    /// every case of its current version passing and a backtest of that version; a rejection sends it back to editing.
    /// </summary>
    public async Task<DraftState> ReviewAsync(Guid draftId, bool approve, string? comment, string caller, CancellationToken cancellationToken)
    {
        var state = await GetAsync(draftId, cancellationToken);
        var draft = state.Draft;
        if (draft.State != DraftStates.Submitted)
        {
            throw new DraftRefusedException(StatusCodes.Status409Conflict, $"The draft is {draft.State}.", "Only a submitted draft can be approved or rejected.");
        }
        if (draft.Authors.Contains(caller) || draft.SubmittedBy == caller)
        {
            throw new DraftRefusedException(StatusCodes.Status409Conflict, "A maker cannot check their own draft.",
                $"{caller} made or submitted this draft; another policy user must approve or reject it.");
        }
        Draft updated;
        if (approve)
        {
            if (!state.CasesPass)
            {
                throw new DraftRefusedException(StatusCodes.Status409Conflict, "The draft's cases fail.",
                    $"Version {draft.Version} has {state.CaseFailures.Count} failing case(s) or gap(s): {string.Join("; ", state.CaseFailures.Take(3))}");
            }
            if (state.CurrentBacktest is null)
            {
                throw new DraftRefusedException(StatusCodes.Status409Conflict, "No backtest of the current version.",
                    $"Version {draft.Version} has not been backtested; run one before approving.");
            }
            updated = draft with
            {
                State = DraftStates.Approved, Checker = caller, ReviewComment = comment, ReviewedAt = clock.GetUtcNow(), ApprovedAgainst = rules.Current?.Id,
            };
        }
        else
        {
            updated = draft with { State = DraftStates.Editing, Checker = caller, ReviewComment = comment, ReviewedAt = clock.GetUtcNow() };
        }
        if (!await store.UpdateDraftAsync(draft, updated, cancellationToken)) throw ChangedMeanwhile(draftId);
        return state with { Draft = updated };
    }

    /// <summary>Puts an approved draft live, cluster-wide, through the promotion every champion change takes.</summary>
    public async Task<PromotionResult> PromoteAsync(Guid draftId, CallerContext caller, CancellationToken cancellationToken)
    {
        var state = await GetAsync(draftId, cancellationToken);
        var draft = state.Draft;
        if (draft.State != DraftStates.Approved)
        {
            throw new DraftRefusedException(StatusCodes.Status409Conflict, $"The draft is {draft.State}.", "Only an approved draft can be promoted.");
        }
        if (rules.Current?.Id != draft.ApprovedAgainst)
        {
            throw new DraftRefusedException(StatusCodes.Status409Conflict, "The live rules changed since the draft was approved.",
                $"It was approved against version set {draft.ApprovedAgainst}; {rules.Current?.Id} is live now. Start a new draft from the live rules.");
        }
        var (compiled, _) = CandidateFolder.Load(state.Version.Files);
        var candidate = compiled.Snapshot ?? throw new InvalidOperationException($"Draft {draftId} version {draft.Version} no longer loads.");
        var approval = new DraftApproval(draft.DraftId, draft.Name, draft.Version, draft.Authors, draft.Checker!, draft.Rationale ?? "", draft.ReviewComment,
            draft.ReviewedAt!.Value, draft.Version, [.. state.Backtests.Where(b => b.Version == draft.Version).Select(b => b.BacktestId)]);
        PromotionResult promoted;
        try
        {
            promoted = await promotion.PromoteDraftAsync(state.Version.Files, candidate, approval, caller, cancellationToken);
        }
        catch (PromotionRefusedException refused)
        {
            throw new DraftRefusedException(StatusCodes.Status409Conflict, refused.Title, refused.Message);
        }
        await store.UpdateDraftAsync(draft, draft with { State = DraftStates.Promoted, PromotionId = promoted.PromotionId }, cancellationToken);
        return promoted;
    }

    /// <summary>
    /// Puts an approved draft live as the shadow challenger: its files replace the challenger folder's, in one swap
    /// on the challenger's reloader. The draft stays approved, to be promoted once its challenger report convinces.
    /// </summary>
    public async Task ShadowAsync(Guid draftId, CancellationToken cancellationToken)
    {
        var state = await GetAsync(draftId, cancellationToken);
        if (state.Draft.State != DraftStates.Approved)
        {
            throw new DraftRefusedException(StatusCodes.Status409Conflict, $"The draft is {state.Draft.State}.", "Only an approved draft can be put live as the challenger.");
        }
        var activation = challenger.Watcher
            ?? throw new DraftRefusedException(StatusCodes.Status409Conflict, "No challenger is configured.", "Set Rules:ChallengerDirectory to run one.");
        try
        {
            await activation.ReplaceFilesAsync(state.Version.Files, state.Version.SnapshotId);
        }
        catch (RulesReplacementException ex)
        {
            throw new DraftRefusedException(StatusCodes.Status409Conflict, "The challenger folder refused the draft's files.", ex.Message);
        }
    }

    /// <summary>
    /// Runs the cases of the draft's current version again, as a save runs them, and gives their failures and gaps; the
    /// evidence stored with the version is not changed.
    /// </summary>
    public async Task<DraftCases> RunCasesAsync(Guid draftId, CancellationToken cancellationToken)
    {
        var state = await GetAsync(draftId, cancellationToken);
        var (compiled, caseFailures) = CandidateFolder.Load(state.Version.Files);
        if (compiled.Snapshot is null) throw new InvalidOperationException($"Draft {draftId} version {state.Version.Version} no longer loads.");
        return new DraftCases(state.Version.Version, caseFailures.Count == 0, caseFailures);
    }

    /// <summary>What the draft's current version changes against the live rules, per ruleset.</summary>
    public IReadOnlyList<RulesetChange> ChangesAgainstLive(DraftVersion version) => CandidateFolder.Diff(LiveFiles(), version.Files);

    /// <summary>The live rules folder's file of that name as a draft would hold it; null when the live rules have none.</summary>
    public byte[]? LiveFile(string fileName) => LiveFiles().GetValueOrDefault(fileName);

    private Dictionary<string, byte[]> LiveFiles() => rules.Current is { } live ? FilesOf(live, live) : new Dictionary<string, byte[]>(StringComparer.Ordinal);

    /// <summary>
    /// A version set as a rules folder: each ruleset under the live folder's file name for its stage, and the live
    /// folder's cases files beside them (the log archives rulesets, not cases).
    /// </summary>
    private Dictionary<string, byte[]> FilesOf(RulesetSnapshot source, RulesetSnapshot? live)
    {
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var ruleset in source.All)
        {
            var liveFile = live?.Find(ruleset.Stage)?.SourceFile;
            var name = liveFile is not null && CandidateFolder.IsRuleFileName(Path.GetFileName(liveFile)) ? Path.GetFileName(liveFile) : ruleset.Name + ".json";
            files[name] = [.. ruleset.SourceContent];
        }
        foreach (var (name, content) in RuleFolder.Read(rules.Directory))
        {
            if (name.EndsWith(RulesDirectoryLoader.CasesSuffix, StringComparison.Ordinal) && files.ContainsKey(name[..^RulesDirectoryLoader.CasesSuffix.Length] + ".json"))
            {
                files[name] = content;
            }
        }
        return files;
    }

    private static IReadOnlyList<RuleError> CasesFileErrors(string folder, string fileName) =>
        fileName.EndsWith(RulesDirectoryLoader.CasesSuffix, StringComparison.Ordinal) && RuleCaseRunner.Unusable(Path.Combine(folder, fileName)) is { } reason
            ? [new RuleError(fileName, null, null, null, reason)]
            : [];

    private static DraftRefusedException NotFound(Guid draftId) =>
        new(StatusCodes.Status404NotFound, "No such draft.", $"There is no draft {draftId}.");

    private static DraftRefusedException ChangedMeanwhile(Guid draftId) =>
        new(StatusCodes.Status409Conflict, "The draft changed meanwhile.", $"Draft {draftId} was changed by another request; read it again and retry.");
}

/// <summary>A draft with its current version and its backtests: what the evidence is judged on.</summary>
public sealed record DraftState(Draft Draft, DraftVersion Version, IReadOnlyList<DraftBacktest> Backtests)
{
    public IReadOnlyList<RuleError> CaseFailures { get; } = JsonSerializer.Deserialize<RuleError[]>(Version.CaseFailures) ?? [];

    public bool CasesPass => CaseFailures.Count == 0;

    /// <summary>The newest backtest of the current version, if any.</summary>
    public DraftBacktest? CurrentBacktest => Backtests.FirstOrDefault(b => b.Version == Draft.Version);
}
