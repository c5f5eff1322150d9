using System.Data;
using System.Data.Common;
using CreditDecision.Audit.Cluster;
using CreditDecision.Core.Rules;

namespace CreditDecision.Audit.Log.Sql;

/// <summary>The cluster's rule activations and node reports, kept beside the log so that they share its lock and archive.</summary>
public abstract partial class SqlDecisionLog : IClusterRuleStore
{
    public async Task<RuleActivation> ActivateAsync(RulesetSnapshot snapshot, string node, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        // The chain's lock also orders activations: one at a time across the cluster, numbers without gaps.
        await using var transaction = await BeginAppendAsync(connection, cancellationToken);
        var active = await ReadActiveAsync(connection, transaction, cancellationToken);
        if (active?.SnapshotId == snapshot.Id) return active!;
        await ArchiveAsync(connection, transaction, snapshot, cancellationToken);
        var activation = new RuleActivation((active?.Activation ?? 0) + 1, snapshot.Id, DateTimeOffset.UtcNow, node);
        await using (var insert = Command(connection, transaction,
            "INSERT INTO rule_activations (activation, snapshot_id, activated_at_ms, node) VALUES (@activation, @snapshot, @at, @node)"))
        {
            Add(insert, "activation", activation.Activation);
            Add(insert, "snapshot", activation.SnapshotId);
            Add(insert, "at", activation.ActivatedAt.ToUnixTimeMilliseconds());
            Add(insert, "node", node);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        if (ActivationNotice is { } notice) await ExecuteAsync(connection, transaction, notice, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        lock (_archivedLock) _archivedSnapshots.Add(snapshot.Id);
        return activation;
    }

    public async Task<RuleActivation?> ReadActiveAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await ReadActiveAsync(connection, null, cancellationToken);
    }

    /// <summary>SQL, run in the activating transaction, that wakes the other nodes; null where nodes only poll.</summary>
    protected virtual string? ActivationNotice => null;

    public virtual Task WaitForActivationAsync(TimeSpan timeout, CancellationToken cancellationToken) => Task.Delay(timeout, cancellationToken);

    public async Task ReportNodeAsync(NodeReport report, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var upsert = Command(connection, null,
            "INSERT INTO cluster_nodes (node, started_at_ms, seen_at_ms, activation, snapshot_id, problem) " +
            "VALUES (@node, @started, @seen, @activation, @snapshot, @problem) " +
            "ON CONFLICT (node) DO UPDATE SET started_at_ms = excluded.started_at_ms, seen_at_ms = excluded.seen_at_ms, " +
            "activation = excluded.activation, snapshot_id = excluded.snapshot_id, problem = excluded.problem");
        Add(upsert, "node", report.Node);
        Add(upsert, "started", report.StartedAt.ToUnixTimeMilliseconds());
        Add(upsert, "seen", report.SeenAt.ToUnixTimeMilliseconds());
        AddNullable(upsert, "activation", report.Activation, DbType.Int64);
        AddNullable(upsert, "snapshot", report.SnapshotId, DbType.String);
        AddNullable(upsert, "problem", report.Problem, DbType.String);
        await upsert.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<NodeReport>> ReadNodesAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var query = Command(connection, null,
            "SELECT node, started_at_ms, seen_at_ms, activation, snapshot_id, problem FROM cluster_nodes WHERE seen_at_ms >= @since ORDER BY node");
        Add(query, "since", since.ToUnixTimeMilliseconds());
        var nodes = new List<NodeReport>();
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            nodes.Add(new NodeReport(Text(reader, "node"), Instant(reader, "started_at_ms"), Instant(reader, "seen_at_ms"),
                NullableInt64(reader, "activation"), NullableText(reader, "snapshot_id"), NullableText(reader, "problem")));
        }
        return nodes;
    }

    private static async Task<RuleActivation?> ReadActiveAsync(DbConnection connection, DbTransaction? transaction, CancellationToken cancellationToken)
    {
        await using var query = Command(connection, transaction,
            "SELECT activation, snapshot_id, activated_at_ms, node FROM rule_activations ORDER BY activation DESC LIMIT 1");
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new RuleActivation(Int64(reader, "activation"), Text(reader, "snapshot_id"), Instant(reader, "activated_at_ms"), Text(reader, "node"))
            : null;
    }

    private static void AddNullable(DbCommand command, string name, object? value, DbType type)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        parameter.DbType = type;
        command.Parameters.Add(parameter);
    }
}
