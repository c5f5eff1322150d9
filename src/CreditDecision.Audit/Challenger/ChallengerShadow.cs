using System.Text.Json;
using System.Threading.Channels;
using CreditDecision.Core.Contracts;
using CreditDecision.Core.Decisions;
using CreditDecision.Core.Portfolio;
using CreditDecision.Core.Rules;
using CreditDecision.Core.Telemetry;

namespace CreditDecision.Audit.Challenger;

/// <summary>How the shadow evaluation has fared since the service started.</summary>
/// <param name="Offered">Champion decisions handed to the challenger.</param>
/// <param name="Evaluated">Challenger results stored in the log.</param>
/// <param name="SkippedQueueFull">Decisions not shadowed because the queue was full.</param>
/// <param name="SkippedNoRules">Decisions not shadowed because the challenger folder has no valid rules.</param>
/// <param name="Failed">Challenger evaluations or log writes that failed.</param>
/// <param name="Pending">Offered, not yet evaluated, skipped or failed.</param>
public sealed record ChallengerCounters(
    long Offered, long Evaluated, long SkippedQueueFull, long SkippedNoRules, long Failed, long Pending, int QueueCapacity, string? LastFailure);

/// <summary>
/// Evaluates challenger rules on the applications the champion decided, off the response's path: the champion
/// hands each logged decision over without waiting (when the bounded queue is full the decision is skipped and
/// counted), and one background loop evaluates the queue and writes the results to the log in batches. The
/// challenger decides with the champion decision's id, time and portfolio version, so its result is exactly what
/// a backtest of the same candidate would compute for that decision. The result is stored without its trace, a
/// fifth of the size: a replay of the decision against the challenger's snapshot gives the trace, rule by rule.
/// Batches are large and the loop pauses between them, so the decisions' own log commits are rarely kept waiting.
/// </summary>
public sealed class ChallengerShadow
{
    public const int MaxBatch = 1024;

    /// <summary>Pause between batches: lets the decisions' commits take the log's write lock in between.</summary>
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(100);

    private readonly Func<RulesetSnapshot?>? _challengerRules;
    private readonly IChallengerResults _log;
    private readonly Channel<Work> _queue;
    private readonly int _capacity;
    private long _offered;
    private long _evaluated;
    private long _skippedQueueFull;
    private long _skippedNoRules;
    private long _failed;
    private volatile string? _lastFailure;

    /// <param name="challengerRules">The challenger's live snapshot; null when no challenger is configured.</param>
    public ChallengerShadow(Func<RulesetSnapshot?>? challengerRules, IChallengerResults log, int capacity)
    {
        _challengerRules = challengerRules;
        _log = log;
        _capacity = capacity;
        _queue = Channel.CreateBounded<Work>(new BoundedChannelOptions(capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    }

    public bool IsConfigured => _challengerRules is not null;

    public ChallengerCounters Counters
    {
        get
        {
            var offered = Interlocked.Read(ref _offered);
            var evaluated = Interlocked.Read(ref _evaluated);
            var full = Interlocked.Read(ref _skippedQueueFull);
            var noRules = Interlocked.Read(ref _skippedNoRules);
            var failed = Interlocked.Read(ref _failed);
            return new ChallengerCounters(offered, evaluated, full, noRules, failed, offered - evaluated - full - noRules - failed, _capacity, _lastFailure);
        }
    }

    /// <summary>Queues a logged champion decision for the challenger; never waits.</summary>
    public void Offer(LoanApplication application, DecisionResponse champion, PortfolioSnapshot portfolio)
    {
        if (_challengerRules is null) return;
        Interlocked.Increment(ref _offered);
        if (!_queue.Writer.TryWrite(new Work(application, champion.DecisionId, champion.DecidedAt, champion.Outcome, portfolio)))
        {
            Interlocked.Increment(ref _skippedQueueFull);
        }
    }

    /// <summary>Stops taking decisions; <see cref="RunAsync"/> finishes what is queued and returns.</summary>
    public void Complete() => _queue.Writer.TryComplete();

    /// <summary>The background loop: evaluates whatever has queued, writes it as one batch, until completed.</summary>
    public async Task RunAsync()
    {
        var batch = new List<ChallengerResult>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var work))
            {
                if (Evaluate(work) is { } result) batch.Add(result);
            }
            if (batch.Count == 0) continue;
            try
            {
                await _log.AppendChallengerResultsAsync(batch, CancellationToken.None);
                Interlocked.Add(ref _evaluated, batch.Count);
            }
            catch (Exception ex)
            {
                Fail(ex, batch.Count);
            }
            batch.Clear();
            await Task.Delay(Pause);
        }
    }

    private ChallengerResult? Evaluate(Work work)
    {
        if (_challengerRules!() is not { } snapshot)
        {
            Interlocked.Increment(ref _skippedNoRules);
            return null;
        }
        try
        {
            var response = DecisionPipeline.Evaluate(snapshot, work.Portfolio, work.Application, work.DecisionId, work.DecidedAt);
            Metrics.ChallengerResults.Add(1, new KeyValuePair<string, object?>("agree", response.Outcome == work.ChampionOutcome ? "true" : "false"));
            var withoutTrace = response with { Trace = [] };
            return new ChallengerResult(work.DecisionId, work.DecidedAt, response.Outcome, JsonSerializer.Serialize(withoutTrace, ContractJson.Options), snapshot);
        }
        catch (Exception ex)
        {
            Fail(ex, 1);
            return null;
        }
    }

    private void Fail(Exception exception, int count)
    {
        Interlocked.Add(ref _failed, count);
        _lastFailure = exception.Message;
    }

    private sealed record Work(LoanApplication Application, Guid DecisionId, DateTimeOffset DecidedAt, string ChampionOutcome, PortfolioSnapshot Portfolio);
}
