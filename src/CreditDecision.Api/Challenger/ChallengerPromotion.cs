using CreditDecision.Api.Rules;
using CreditDecision.Audit.Drafts;
using CreditDecision.Audit.Log;
using CreditDecision.Audit.Recording;
using CreditDecision.Core.Contracts;
using CreditDecision.Core.Decisions;
using CreditDecision.Core.Rules;

namespace CreditDecision.Api.Challenger;

/// <summary>A promotion as the log records it and the caller receives it.</summary>
/// <param name="PromotionId">Id of the promotion record in the decision log.</param>
/// <param name="Position">Its place in the hash chain.</param>
/// <param name="PreviousSnapshotId">The champion's version set before.</param>
/// <param name="SnapshotId">The version set now live: the challenger's.</param>
public sealed record PromotionResult(
    Guid PromotionId, long Position, string PreviousSnapshotId, string SnapshotId, DateTimeOffset PromotedAt, string PromotedBy,
    IReadOnlyList<RulesetVersionRef> Rulesets);

/// <summary>Why a promotion was not made; nothing changed.</summary>
public sealed class PromotionRefusedException(string title, string detail) : Exception(detail)
{
    public string Title { get; } = title;
}

/// <summary>
/// Makes the challenger the champion: the challenger folder's files replace the champion folder's (so the champion's
/// watcher keeps them) and the champion's live snapshot is swapped once, atomically for every decision; then the
/// promotion is appended to the decision log's chain. If the log cannot take the record, the champion is put back.
/// </summary>
public sealed class ChallengerPromotion(
    ChallengerRules challenger, RulesHost champion, RulesFolderWatcher championWatcher, DecisionLogWriter writer, TimeProvider clock)
{
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);

    /// <param name="expectedSnapshotId">The challenger version set the caller reviewed; refused if the challenger is now another.</param>
    /// <exception cref="PromotionRefusedException">No challenger, no valid challenger rules, another version set, or already champion.</exception>
    public async Task<PromotionResult> PromoteAsync(string expectedSnapshotId, CallerContext caller, CancellationToken cancellationToken)
    {
        if (challenger.Host is not { } host) throw new PromotionRefusedException("No challenger is configured.", "Set Rules:ChallengerDirectory to run one.");
        await _oneAtATime.WaitAsync(cancellationToken);
        try
        {
            var candidate = host.Current
                ?? throw new PromotionRefusedException("The challenger has no valid rules.", "GET /challenger shows why its folder is refused.");
            if (candidate.Id != expectedSnapshotId)
            {
                throw new PromotionRefusedException("The challenger is another version set.",
                    $"The challenger is now snapshot {candidate.Id}, not {expectedSnapshotId}. Review its report again before promoting it.");
            }
            return await ReplaceChampionAsync(RuleFolder.Read(host.Directory), candidate, caller, approval: null,
                "The challenger is already the champion.", "The challenger's files changed while promoting.");
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    /// <summary>
    /// Makes an approved draft's files the champion's, as a challenger promotion does; its record also names the draft's
    /// makers, checker, rationale and evidence.
    /// </summary>
    /// <exception cref="PromotionRefusedException">The files are already live, or do not compile to <paramref name="candidate"/>.</exception>
    public async Task<PromotionResult> PromoteDraftAsync(
        IReadOnlyDictionary<string, byte[]> files, RulesetSnapshot candidate, DraftApproval approval, CallerContext caller, CancellationToken cancellationToken)
    {
        await _oneAtATime.WaitAsync(cancellationToken);
        try
        {
            return await ReplaceChampionAsync(files, candidate, caller, approval,
                "The draft's rules are already live.", "The draft's files do not compile to the approved version set.");
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    /// <summary>The one way rules become the champion: files replaced, snapshot swapped, promotion recorded; put back if the log refuses it.</summary>
    private async Task<PromotionResult> ReplaceChampionAsync(
        IReadOnlyDictionary<string, byte[]> files, RulesetSnapshot candidate, CallerContext caller, DraftApproval? approval, string alreadyLive, string notReplaced)
    {
        var previous = champion.Current;
        if (previous?.Id == candidate.Id) throw new PromotionRefusedException(alreadyLive, $"Snapshot {candidate.Id} is live.");

        IReadOnlyDictionary<string, byte[]> previousFiles;
        try
        {
            previousFiles = await championWatcher.ReplaceFilesAsync(files, candidate.Id);
        }
        catch (RulesReplacementException ex)
        {
            throw new PromotionRefusedException(notReplaced, ex.Message);
        }

        var record = LogRecords.Promotion(previous?.Id ?? "", candidate, RecordTime.Now(clock), caller, approval);
        try
        {
            var stored = await writer.AppendAsync(record, candidate, portfolio: null, CancellationToken.None);
            return Result(stored.Record, previous?.Id ?? "", candidate);
        }
        catch (DecisionLogUnavailableException)
        {
            if (previous is not null) await championWatcher.ReplaceFilesAsync(previousFiles, previous.Id);
            throw;
        }
    }

    private static PromotionResult Result(LogRecord stored, string previousSnapshotId, RulesetSnapshot promoted) =>
        new(stored.RecordId, stored.Position, previousSnapshotId, promoted.Id, stored.RecordedAt, stored.Caller, promoted.AllVersionRefs);
}
