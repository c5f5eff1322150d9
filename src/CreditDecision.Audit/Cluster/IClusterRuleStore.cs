using CreditDecision.Core.Rules;

namespace CreditDecision.Audit.Cluster;

/// <summary>
/// The cluster's rules, kept in the shared database: each activated version set gets the next activation number, and
/// every node reports which one it decides on. The rulesets themselves are in the log's content-addressed archive.
/// </summary>
public interface IClusterRuleStore
{
    /// <summary>
    /// Makes <paramref name="snapshot"/> the cluster's active set (archiving its rulesets) and wakes the other nodes;
    /// returns its activation number. When it is already the active set, returns that activation instead.
    /// </summary>
    Task<RuleActivation> ActivateAsync(RulesetSnapshot snapshot, string node, CancellationToken cancellationToken);

    /// <summary>The newest activation, or null when no set was ever activated through the database.</summary>
    Task<RuleActivation?> ReadActiveAsync(CancellationToken cancellationToken);

    /// <summary>Returns when another node may have activated a set (a notification), or after <paramref name="timeout"/> at the latest.</summary>
    Task WaitForActivationAsync(TimeSpan timeout, CancellationToken cancellationToken);

    /// <summary>Records what a node decides on now.</summary>
    Task ReportNodeAsync(NodeReport report, CancellationToken cancellationToken);

    /// <summary>Every node that has reported since <paramref name="since"/>, by name.</summary>
    Task<IReadOnlyList<NodeReport>> ReadNodesAsync(DateTimeOffset since, CancellationToken cancellationToken);
}

/// <summary>One activation of a version set: its number (increasing, never reused), when and through which node.</summary>
public sealed record RuleActivation(long Activation, string SnapshotId, DateTimeOffset ActivatedAt, string Node);

/// <summary>A node's latest report: the activation it decides on, and why it is behind, if it is.</summary>
public sealed record NodeReport(string Node, DateTimeOffset StartedAt, DateTimeOffset SeenAt, long? Activation, string? SnapshotId, string? Problem);

/// <summary>The cluster activation number under which a version set went live on this node, if it has one.</summary>
public interface IActivationNumbers
{
    long? ActivationOf(RulesetSnapshot snapshot);
}
