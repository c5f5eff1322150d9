using System.Runtime.CompilerServices;
using CreditDecision.Api.Rules;
using CreditDecision.Audit.Cluster;
using CreditDecision.Audit.Replay;
using CreditDecision.Core.Rules;
using Microsoft.Extensions.Options;

namespace CreditDecision.Api.Cluster;

/// <summary>
/// Keeps this node on the cluster's active version set, kept in the shared PostgreSQL log. A set this node's own folder
/// puts live (a file edit, POST /rulesets/reload, a promotion) is published as the next activation, and PostgreSQL
/// NOTIFY wakes the other nodes; each then loads that set from the log's archive, compiles it and swaps to it. A
/// periodic poll catches a lost notice. A set that cannot be loaded leaves the node on its last good rules, reported
/// as behind (not ready) with the reason. At start the database's set wins over the folder, so a restarted node
/// rejoins the cluster and a node with an empty folder needs no copy of the files.
/// </summary>
public sealed partial class ClusterRules(
    RulesHost rules, RulesActivation activation, IClusterRuleStore store, DecisionReplayer replayer, IOptions<ClusterOptions> options,
    TimeProvider clock, ILogger<ClusterRules> logger) : IHostedService, IActivationNumbers, IDisposable
{
    private readonly ConditionalWeakTable<RulesetSnapshot, RuleActivation> _numbers = [];
    private readonly CancellationTokenSource _stopping = new();
    private readonly DateTimeOffset _startedAt = clock.GetUtcNow();
    private Task _following = Task.CompletedTask;
    private volatile RuleActivation? _followed;
    private volatile string? _problem;
    private int _stopped;

    public string Node { get; } = string.IsNullOrWhiteSpace(options.Value.NodeName) ? $"{Environment.MachineName}-{Environment.ProcessId}" : options.Value.NodeName;

    /// <summary>The activation this node decides on, or null before it has one.</summary>
    public RuleActivation? Current => rules.Current is { } live && _numbers.TryGetValue(live, out var number) ? number : null;

    /// <summary>Why this node is not on the cluster's newest set; null when it is.</summary>
    public string? Problem => _problem;

    public long? ActivationOf(RulesetSnapshot snapshot) => _numbers.TryGetValue(snapshot, out var number) ? number.Activation : null;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (await store.ReadActiveAsync(cancellationToken) is { } active) await FollowAsync(active, cancellationToken);
        else if (rules.Current is { } local) Publish(local);
        activation.Activating += Publish;
        _following = Task.Run(FollowLoopAsync, CancellationToken.None);
    }

    /// <summary>Stops following; safe to call more than once and after <see cref="Dispose"/> (a host may stop twice).</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1) return;
        activation.Activating -= Publish;
        await _stopping.CancelAsync();
        await _following.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 0)
        {
            activation.Activating -= Publish;
            _stopping.Cancel();
        }
        // The loop uses the decision log, which is disposed after this: let it leave first.
        try
        {
            _following.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // It ended by failing: it has left all the same.
        }
        _stopping.Dispose();
    }

    /// <summary>
    /// On the reloader thread, just before this node's folder puts <paramref name="snapshot"/> live: published first,
    /// so that every decision made under it here already knows its activation number.
    /// </summary>
    private void Publish(RulesetSnapshot snapshot)
    {
        try
        {
            var published = store.ActivateAsync(snapshot, Node, CancellationToken.None).GetAwaiter().GetResult();
            _numbers.AddOrUpdate(snapshot, published);
            _followed = published;
            _problem = null;
            LogPublished(published.Activation, snapshot.Id);
        }
        catch (Exception ex)
        {
            _problem = $"Rules {snapshot.Id} are going live here but could not be published to the cluster: {ex.Message}";
            LogPublishFailed(ex, snapshot.Id);
        }
    }

    private async Task FollowLoopAsync()
    {
        var interval = TimeSpan.FromMilliseconds(options.Value.PollMilliseconds);
        var stopping = _stopping.Token;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await store.WaitForActivationAsync(interval, stopping);
                if (await store.ReadActiveAsync(stopping) is { } active && active.Activation > (_followed?.Activation ?? 0))
                {
                    await FollowAsync(active, stopping);
                }
                await ReportAsync(stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The database is unreachable for now: decide on, try again next round; readiness reports the log.
                LogFollowFailed(ex);
                await Task.Delay(interval, clock, CancellationToken.None);
            }
        }
    }

    private async Task FollowAsync(RuleActivation active, CancellationToken cancellationToken)
    {
        _followed = active;
        if (rules.Current is { } live && live.Id == active.SnapshotId)
        {
            _numbers.AddOrUpdate(live, active);
            _problem = null;
            return;
        }
        try
        {
            var compiled = await replayer.SnapshotAsync(active.SnapshotId, cancellationToken);
            var snapshot = new RulesetSnapshot(compiled.All, clock.GetUtcNow());
            _numbers.AddOrUpdate(snapshot, active);
            await activation.AdoptAsync(snapshot);
            _problem = null;
            LogFollowed(active.Activation, active.SnapshotId, active.Node);
        }
        catch (ReplayNotPossibleException ex)
        {
            _problem = $"Activation {active.Activation} (rules {active.SnapshotId}) cannot be loaded here: {ex.Message}";
            LogBehind(_problem);
        }
    }

    private Task ReportAsync(CancellationToken cancellationToken) =>
        store.ReportNodeAsync(new NodeReport(Node, _startedAt, clock.GetUtcNow(), Current?.Activation, rules.Current?.Id, _problem), cancellationToken);

    [LoggerMessage(Level = LogLevel.Information, Message = "Published rules {SnapshotId} to the cluster as activation {Activation}")]
    private partial void LogPublished(long activation, string snapshotId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Following activation {Activation}: rules {SnapshotId} from node {Node} are live here")]
    private partial void LogFollowed(long activation, string snapshotId, string node);

    [LoggerMessage(Level = LogLevel.Error, Message = "Rules {SnapshotId} could not be published to the cluster")]
    private partial void LogPublishFailed(Exception exception, string snapshotId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Behind the cluster, deciding on the last good rules: {Problem}")]
    private partial void LogBehind(string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Following the cluster's rules failed this round; trying again")]
    private partial void LogFollowFailed(Exception exception);
}
