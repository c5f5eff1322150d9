using System.Diagnostics;
using System.Threading.Channels;
using CreditDecision.Core.Portfolio;
using CreditDecision.Core.Rules;
using CreditDecision.Core.Telemetry;

namespace CreditDecision.Audit.Log;

/// <summary>
/// Group commit: appends queue here and one loop writes whatever has queued as one transaction, so under load
/// many decisions share one durable commit. <see cref="AppendAsync"/> completes only after that commit.
/// </summary>
/// <remarks>
/// The loop has a thread of its own. SQLite's inserts and its fsync are synchronous calls, so on a pool thread each
/// commit would hold one of the few threads the request side has (two on a two-core host) for its whole length.
/// </remarks>
public sealed class DecisionLogWriter : IAsyncDisposable
{
    public const int MaxBatch = 256;
    private const int QueueCapacity = 10_000;

    private readonly IDecisionLog _log;
    private readonly ServiceMetrics? _metrics;
    private readonly Channel<Pending> _queue = Channel.CreateBounded<Pending>(
        new BoundedChannelOptions(QueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    private readonly TaskCompletionSource _loopEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <param name="metrics">Times each commit where the service measures its work; null elsewhere.</param>
    public DecisionLogWriter(IDecisionLog log, ServiceMetrics? metrics = null)
    {
        _log = log;
        _metrics = metrics;
        new Thread(WriteLoop) { IsBackground = true, Name = "decision log writer" }.Start();
    }

    /// <summary>Queues a record and returns when it is durable (or was already stored under its idempotency key).</summary>
    /// <exception cref="DecisionLogUnavailableException">The store refused the batch; the decision is not logged.</exception>
    public async Task<AppendResult> AppendAsync(
        LogRecord record, RulesetSnapshot snapshot, PortfolioSnapshot? portfolio, CancellationToken cancellationToken)
    {
        var pending = new Pending(new PendingDecision(record, snapshot, portfolio));
        await _queue.Writer.WriteAsync(pending, cancellationToken);
        return await pending.Completion.Task;
    }

    private void WriteLoop()
    {
        try
        {
            WriteBatches();
            _loopEnded.SetResult();
        }
        catch (Exception ex)
        {
            _loopEnded.SetException(ex);
        }
    }

    private void WriteBatches()
    {
        var batch = new List<Pending>(MaxBatch);
        while (_queue.Reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var pending)) batch.Add(pending);
            var startedAt = Stopwatch.GetTimestamp();
            try
            {
                var results = _log.AppendAsync([.. batch.Select(p => p.Decision)], CancellationToken.None).GetAwaiter().GetResult();
                _metrics?.LogWriteDuration.Record(Stopwatch.GetElapsedTime(startedAt).TotalSeconds);
                _metrics?.LogBatchSize.Record(batch.Count);
                for (var i = 0; i < batch.Count; i++) batch[i].Completion.SetResult(results[i]);
            }
            catch (Exception ex)
            {
                var unavailable = new DecisionLogUnavailableException(ex);
                foreach (var pending in batch) pending.Completion.SetException(unavailable);
            }
            batch.Clear();
        }
    }

    /// <summary>Stops taking appends and waits until every queued one is written.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loopEnded.Task;
    }

    private sealed record Pending(PendingDecision Decision)
    {
        public TaskCompletionSource<AppendResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

/// <summary>The decision log could not store a decision, so it was not made.</summary>
public sealed class DecisionLogUnavailableException(Exception inner)
    : Exception("The decision log could not store the decision.", inner);
