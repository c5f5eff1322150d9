using System.Data;
using System.Data.Common;
using System.Runtime.CompilerServices;
using CreditDecision.Core.Portfolio;
using CreditDecision.Core.Rules;

namespace CreditDecision.Audit;

/// <summary>
/// The decision log over ADO.NET, shared by the SQLite and PostgreSQL stores: the SQL below is the subset both
/// speak. A store supplies connections, its schema scripts and how a write transaction takes the chain lock.
/// </summary>
public abstract partial class SqlDecisionLog : IDecisionLog, IRuleActivations, IDataProtectionKeyStore
{
    private const string RecordColumns =
        "position, decision_id, application_id, enterprise_id, outcome, decided_at_ms, caller, request_id, idempotency_key, " +
        "request_hash, request_json, response_json, snapshot_id, ruleset_versions, engine_version, service_version, previous_hash, record_hash, kind, activation";

    private const string SummaryColumns =
        "decision_id, position, application_id, enterprise_id, outcome, decided_at_ms, caller, snapshot_id, kind";

    /// <summary>
    /// Every read is limited to the chain the head row ends: a row written into the table past the head was not
    /// appended by the service, and is never served (verify names it).
    /// </summary>
    private const string WithinChain = "position <= (SELECT position FROM chain_head WHERE id = 1)";

    private readonly HashSet<string> _archivedSnapshots = [];
    private readonly HashSet<string> _archivedPortfolios = [];
    private readonly Lock _archivedLock = new();

    protected abstract ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>
    /// A connection for challenger results, which no customer saw: a store may trade their durability on a crash
    /// (they are then counted as not shadowed) for less contention with the decisions' own commits.
    /// </summary>
    protected virtual ValueTask<DbConnection> OpenForShadowAsync(CancellationToken cancellationToken) => OpenAsync(cancellationToken);

    /// <summary>Schema scripts, applied in order; the index + 1 is the schema version.</summary>
    protected abstract IReadOnlyList<string> Migrations { get; }

    /// <summary>
    /// The schema both stores share, with their names for a 64-bit integer and a byte string, and their way of making
    /// idempotency keys unique per caller instead of across callers (SQLite cannot drop a column's UNIQUE in place).
    /// (In SQLite, "position INTEGER PRIMARY KEY" is the row id, so chain order is the table's own order.)
    /// </summary>
    protected static IReadOnlyList<string> Schema(string bigint, string blob, string idempotencyKeysPerCaller) =>
    [
        $"""
        CREATE TABLE decisions (
            position         {bigint} PRIMARY KEY,
            decision_id      TEXT NOT NULL UNIQUE,
            application_id   TEXT NOT NULL,
            enterprise_id    TEXT NOT NULL,
            outcome          TEXT NOT NULL,
            decided_at_ms    {bigint} NOT NULL,
            caller           TEXT NOT NULL,
            request_id       TEXT NOT NULL,
            idempotency_key  TEXT UNIQUE,
            request_hash     TEXT NOT NULL,
            request_json     TEXT NOT NULL,
            response_json    TEXT NOT NULL,
            snapshot_id      TEXT NOT NULL,
            ruleset_versions TEXT NOT NULL,
            engine_version   TEXT NOT NULL,
            service_version  TEXT NOT NULL,
            previous_hash    TEXT NOT NULL,
            record_hash      TEXT NOT NULL
        );
        CREATE INDEX decisions_application ON decisions (application_id);
        CREATE INDEX decisions_enterprise ON decisions (enterprise_id);
        CREATE INDEX decisions_decided_at ON decisions (decided_at_ms);
        CREATE TABLE chain_head (
            id          INTEGER PRIMARY KEY CHECK (id = 1),
            position    {bigint} NOT NULL,
            record_hash TEXT NOT NULL
        );
        INSERT INTO chain_head (id, position, record_hash) VALUES (1, 0, '{DecisionChain.Genesis}');
        CREATE TABLE rulesets (
            name    TEXT NOT NULL,
            version TEXT NOT NULL,
            stage   TEXT NOT NULL,
            content {blob} NOT NULL,
            PRIMARY KEY (name, version)
        );
        CREATE TABLE rule_snapshots (
            snapshot_id      TEXT PRIMARY KEY,
            ruleset_versions TEXT NOT NULL
        );
        """,
        """
        ALTER TABLE decisions ADD COLUMN kind TEXT NOT NULL DEFAULT 'decision';
        CREATE INDEX decisions_kind ON decisions (kind);
        """,
        $"""
        CREATE TABLE portfolios (
            version TEXT PRIMARY KEY,
            content {blob} NOT NULL
        );
        """,
        $"""
        CREATE TABLE challenger_results (
            decision_id      TEXT PRIMARY KEY,
            decided_at_ms    {bigint} NOT NULL,
            snapshot_id      TEXT NOT NULL,
            ruleset_versions TEXT NOT NULL,
            outcome          TEXT NOT NULL,
            response_json    TEXT NOT NULL
        );
        CREATE INDEX challenger_results_decided_at ON challenger_results (decided_at_ms);
        """,
        $"""
        CREATE TABLE rule_activations (
            activation      {bigint} PRIMARY KEY,
            snapshot_id     TEXT NOT NULL,
            activated_at_ms {bigint} NOT NULL,
            node            TEXT NOT NULL
        );
        CREATE TABLE cluster_nodes (
            node            TEXT PRIMARY KEY,
            started_at_ms   {bigint} NOT NULL,
            seen_at_ms      {bigint} NOT NULL,
            activation      {bigint},
            snapshot_id     TEXT,
            problem         TEXT
        );
        ALTER TABLE decisions ADD COLUMN activation {bigint};
        """,
        $"""
        {idempotencyKeysPerCaller}
        CREATE TABLE data_protection_keys (
            name TEXT PRIMARY KEY,
            xml  TEXT NOT NULL
        );
        """,
    ];

    /// <summary>Migration 6 for SQLite: the decisions table rebuilt without UNIQUE on the key alone (SQLite's way to drop a constraint).</summary>
    protected static string RebuiltWithKeysPerCaller(string bigint) => $"""
        CREATE TABLE decisions_v6 (
            position         {bigint} PRIMARY KEY,
            decision_id      TEXT NOT NULL UNIQUE,
            application_id   TEXT NOT NULL,
            enterprise_id    TEXT NOT NULL,
            outcome          TEXT NOT NULL,
            decided_at_ms    {bigint} NOT NULL,
            caller           TEXT NOT NULL,
            request_id       TEXT NOT NULL,
            idempotency_key  TEXT,
            request_hash     TEXT NOT NULL,
            request_json     TEXT NOT NULL,
            response_json    TEXT NOT NULL,
            snapshot_id      TEXT NOT NULL,
            ruleset_versions TEXT NOT NULL,
            engine_version   TEXT NOT NULL,
            service_version  TEXT NOT NULL,
            previous_hash    TEXT NOT NULL,
            record_hash      TEXT NOT NULL,
            kind             TEXT NOT NULL DEFAULT 'decision',
            activation       {bigint}
        );
        INSERT INTO decisions_v6 ({RecordColumns}) SELECT {RecordColumns} FROM decisions;
        DROP TABLE decisions;
        ALTER TABLE decisions_v6 RENAME TO decisions;
        CREATE INDEX decisions_application ON decisions (application_id);
        CREATE INDEX decisions_enterprise ON decisions (enterprise_id);
        CREATE INDEX decisions_decided_at ON decisions (decided_at_ms);
        CREATE INDEX decisions_kind ON decisions (kind);
        {KeysPerCallerIndex}
        """;

    /// <summary>A retry is recognised by its caller and key together: two callers may use the same key.</summary>
    protected const string KeysPerCallerIndex = "CREATE UNIQUE INDEX decisions_caller_idempotency_key ON decisions (caller, idempotency_key);";

    /// <summary>Starts the transaction of an append; returns once this writer holds the chain.</summary>
    protected abstract ValueTask<DbTransaction> BeginAppendAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>Starts the transaction of a migration; returns once no other node can migrate.</summary>
    protected abstract ValueTask<DbTransaction> BeginMigrationAsync(DbConnection connection, CancellationToken cancellationToken);

    public abstract ValueTask DisposeAsync();

    public Task MigrateAsync(CancellationToken cancellationToken) => MigrateAsync(Migrations.Count, cancellationToken);

    /// <summary>Brings the schema up to <paramref name="version"/> (not beyond): the latest is <see cref="MigrateAsync(CancellationToken)"/>.</summary>
    public virtual async Task MigrateAsync(int version, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await ExecuteAsync(connection, null,
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, script_hash TEXT NOT NULL)", cancellationToken);
        await using var transaction = await BeginMigrationAsync(connection, cancellationToken);
        var applied = Convert.ToInt32(await ScalarAsync(connection, transaction,
            "SELECT COALESCE(MAX(version), 0) FROM schema_migrations", cancellationToken) ?? 0, System.Globalization.CultureInfo.InvariantCulture);
        if (applied > Migrations.Count)
        {
            throw new InvalidOperationException(
                $"The decision log's schema is version {applied}, newer than this service knows ({Migrations.Count}); upgrade the service.");
        }
        for (var next = applied + 1; next <= Math.Min(version, Migrations.Count); next++)
        {
            var script = Migrations[next - 1];
            await ExecuteAsync(connection, transaction, script, cancellationToken);
            await using var record = Command(connection, transaction,
                "INSERT INTO schema_migrations (version, script_hash) VALUES (@version, @hash)");
            Add(record, "version", next);
            Add(record, "hash", Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(script))));
            await record.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<AppendResult>> AppendAsync(IReadOnlyList<PendingDecision> batch, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await BeginAppendAsync(connection, cancellationToken);

        var head = await ReadHeadAsync(connection, transaction, cancellationToken);
        var byKey = await FindByKeysAsync(connection, transaction, batch, cancellationToken);
        var results = new AppendResult[batch.Count];
        var newSnapshots = new List<RulesetSnapshot>();
        var newPortfolios = new List<PortfolioSnapshot>();

        await using var insert = InsertCommand(connection, transaction);
        for (var i = 0; i < batch.Count; i++)
        {
            var (record, snapshot, portfolio) = batch[i];
            if (record.IdempotencyKey is { } key && byKey.TryGetValue((record.Caller, key), out var first))
            {
                results[i] = new AppendResult(first, Duplicate: true);
                continue;
            }
            var linked = DecisionChain.Link(record, head);
            Bind(insert, linked);
            await insert.ExecuteNonQueryAsync(cancellationToken);
            head = new ChainHead(linked.Position, linked.RecordHash);
            if (linked.IdempotencyKey is { } newKey) byKey[(linked.Caller, newKey)] = linked;
            if (!IsArchived(_archivedSnapshots, snapshot.Id) && newSnapshots.All(s => s.Id != snapshot.Id)) newSnapshots.Add(snapshot);
            if (portfolio is not null && !IsArchived(_archivedPortfolios, portfolio.Version) && newPortfolios.All(p => p.Version != portfolio.Version))
            {
                newPortfolios.Add(portfolio);
            }
            results[i] = new AppendResult(linked, Duplicate: false);
        }

        foreach (var snapshot in newSnapshots) await ArchiveAsync(connection, transaction, snapshot, cancellationToken);
        foreach (var portfolio in newPortfolios) await ArchiveAsync(connection, transaction, portfolio, cancellationToken);
        await using (var update = Command(connection, transaction, "UPDATE chain_head SET position = @position, record_hash = @hash WHERE id = 1"))
        {
            Add(update, "position", head.Position);
            Add(update, "hash", head.RecordHash);
            await update.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);

        lock (_archivedLock)
        {
            foreach (var snapshot in newSnapshots) _archivedSnapshots.Add(snapshot.Id);
            foreach (var portfolio in newPortfolios) _archivedPortfolios.Add(portfolio.Version);
        }
        return results;
    }

    public Task<DecisionRecord?> FindAsync(Guid decisionId, CancellationToken cancellationToken) =>
        FindOneAsync(cancellationToken, ("decision_id", decisionId.ToString("D")));

    public Task<DecisionRecord?> FindByIdempotencyKeyAsync(string caller, string idempotencyKey, CancellationToken cancellationToken) =>
        FindOneAsync(cancellationToken, ("caller", caller), ("idempotency_key", idempotencyKey));

    public async Task<DecisionPage> SearchAsync(DecisionQuery query, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null, "");
        var where = Filters(command, query.From, query.To);
        where.Add(WithinChain);
        if (query.ApplicationId is not null) where.Add(Filter(command, "application_id", query.ApplicationId));
        if (query.EnterpriseId is not null) where.Add(Filter(command, "enterprise_id", query.EnterpriseId));
        if (query.Outcome is not null) where.Add(Filter(command, "outcome", query.Outcome));
        if (query.Kind is not null) where.Add(Filter(command, "kind", query.Kind));
        command.CommandText = $"SELECT {SummaryColumns} FROM decisions{Where(where)} ORDER BY position DESC LIMIT @limit OFFSET @offset";
        Add(command, "limit", query.PageSize + 1);
        Add(command, "offset", (long)(query.Page - 1) * query.PageSize);

        var items = new List<DecisionSummary>(query.PageSize + 1);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(new DecisionSummary(
                Guid.Parse(reader.GetString(0)), reader.GetInt64(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(5)), reader.GetString(6), reader.GetString(7), reader.GetString(8)));
        }
        var hasMore = items.Count > query.PageSize;
        if (hasMore) items.RemoveAt(items.Count - 1);
        return new DecisionPage(query.Page, query.PageSize, hasMore, items);
    }

    public async IAsyncEnumerable<DecisionRecord> ExportAsync(
        DateTimeOffset? from, DateTimeOffset? to, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null, "");
        var where = Filters(command, from, to);
        where.Add(WithinChain);
        command.CommandText = $"SELECT {RecordColumns} FROM decisions{Where(where)} ORDER BY position";
        await foreach (var record in ReadRecordsAsync(command, cancellationToken)) yield return record;
    }

    public async Task AppendChallengerResultsAsync(IReadOnlyList<ChallengerResult> results, CancellationToken cancellationToken)
    {
        await using var connection = await OpenForShadowAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var newSnapshots = results.Select(r => r.Snapshot).DistinctBy(s => s.Id).Where(s => !IsArchived(_archivedSnapshots, s.Id)).ToList();
        foreach (var snapshot in newSnapshots) await ArchiveAsync(connection, transaction, snapshot, cancellationToken);
        await using var insert = Command(connection, transaction,
            "INSERT INTO challenger_results (decision_id, decided_at_ms, snapshot_id, ruleset_versions, outcome, response_json) " +
            "VALUES (@id, @at, @snapshot, @versions, @outcome, @response) ON CONFLICT DO NOTHING");
        foreach (var result in results)
        {
            insert.Parameters.Clear();
            Add(insert, "id", result.DecisionId.ToString("D"));
            Add(insert, "at", result.DecidedAt.ToUnixTimeMilliseconds());
            Add(insert, "snapshot", result.Snapshot.Id);
            Add(insert, "versions", RulesetVersionsJson.Of(result.Snapshot));
            Add(insert, "outcome", result.Outcome);
            Add(insert, "response", result.ResponseJson);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        lock (_archivedLock)
        {
            foreach (var snapshot in newSnapshots) _archivedSnapshots.Add(snapshot.Id);
        }
    }

    public async IAsyncEnumerable<ShadowedDecision> ExportShadowedAsync(
        DateTimeOffset? from, DateTimeOffset? to, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null, "");
        var where = Filters(command, from, to, "d.decided_at_ms");
        where.Add(Filter(command, "d.kind", RecordKinds.Decision));
        where.Add("d." + WithinChain);
        command.CommandText =
            "SELECT d.decision_id, d.response_json, c.snapshot_id, c.response_json FROM decisions d " +
            $"LEFT JOIN challenger_results c ON c.decision_id = d.decision_id{Where(where)} ORDER BY d.position";
        await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return new ShadowedDecision(
                Guid.Parse(reader.GetString(0)), reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3));
        }
    }

    public async Task<ChainVerification> VerifyAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        // The head and every row from one snapshot: appends made meanwhile are neither missing nor past the head.
        await using var snapshot = await BeginSnapshotAsync(connection, cancellationToken);
        var head = await ReadHeadAsync(connection, snapshot, cancellationToken);
        await using var command = Command(connection, snapshot, $"SELECT {RecordColumns} FROM decisions ORDER BY position");
        return await DecisionChain.VerifyAsync(ReadRecordsAsync(command, cancellationToken), head, cancellationToken);
    }

    /// <summary>Starts a read-only transaction that sees one state of the log throughout and does not hold up appends.</summary>
    protected abstract ValueTask<DbTransaction> BeginSnapshotAsync(DbConnection connection, CancellationToken cancellationToken);

    public async Task<ChainHead> ReadHeadAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await ReadHeadAsync(connection, null, cancellationToken);
    }

    public async Task<byte[]?> FindRulesetAsync(string name, string version, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null, "SELECT content FROM rulesets WHERE name = @name AND version = @version");
        Add(command, "name", name);
        Add(command, "version", version);
        return await command.ExecuteScalarAsync(cancellationToken) as byte[];
    }

    public async Task<byte[]?> FindPortfolioAsync(string version, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null, "SELECT content FROM portfolios WHERE version = @version");
        Add(command, "version", version);
        return await command.ExecuteScalarAsync(cancellationToken) as byte[];
    }

    public async Task<string?> FindSnapshotAsync(string snapshotId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null, "SELECT ruleset_versions FROM rule_snapshots WHERE snapshot_id = @id");
        Add(command, "id", snapshotId);
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    public async Task<IReadOnlyList<string>> ReadDataProtectionKeysAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var query = Command(connection, null, "SELECT xml FROM data_protection_keys ORDER BY name");
        var keys = new List<string>();
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) keys.Add(reader.GetString(0));
        return keys;
    }

    public async Task StoreDataProtectionKeyAsync(string name, string xml, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var insert = Command(connection, null, "INSERT INTO data_protection_keys (name, xml) VALUES (@name, @xml) ON CONFLICT DO NOTHING");
        Add(insert, "name", name);
        Add(insert, "xml", xml);
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }

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
            nodes.Add(new NodeReport(reader.GetString(0), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)),
                reader.IsDBNull(3) ? null : reader.GetInt64(3), reader.IsDBNull(4) ? null : reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5)));
        }
        return nodes;
    }

    private static async Task<RuleActivation?> ReadActiveAsync(DbConnection connection, DbTransaction? transaction, CancellationToken cancellationToken)
    {
        await using var query = Command(connection, transaction,
            "SELECT activation, snapshot_id, activated_at_ms, node FROM rule_activations ORDER BY activation DESC LIMIT 1");
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new RuleActivation(reader.GetInt64(0), reader.GetString(1), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)), reader.GetString(3))
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

    private bool IsArchived(HashSet<string> archived, string version)
    {
        lock (_archivedLock) return archived.Contains(version);
    }

    private static async Task ArchiveAsync(DbConnection connection, DbTransaction transaction, PortfolioSnapshot portfolio, CancellationToken cancellationToken)
    {
        await using var insert = Command(connection, transaction,
            "INSERT INTO portfolios (version, content) VALUES (@version, @content) ON CONFLICT DO NOTHING");
        Add(insert, "version", portfolio.Version);
        Add(insert, "content", portfolio.Content.ToArray());
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task ArchiveAsync(DbConnection connection, DbTransaction transaction, RulesetSnapshot snapshot, CancellationToken cancellationToken)
    {
        await using var ruleset = Command(connection, transaction,
            "INSERT INTO rulesets (name, version, stage, content) VALUES (@name, @version, @stage, @content) ON CONFLICT DO NOTHING");
        foreach (var compiled in snapshot.All)
        {
            ruleset.Parameters.Clear();
            Add(ruleset, "name", compiled.Name);
            Add(ruleset, "version", compiled.Version);
            Add(ruleset, "stage", compiled.Stage.WireName());
            Add(ruleset, "content", compiled.SourceContent.ToArray());
            await ruleset.ExecuteNonQueryAsync(cancellationToken);
        }
        await using var manifest = Command(connection, transaction,
            "INSERT INTO rule_snapshots (snapshot_id, ruleset_versions) VALUES (@id, @versions) ON CONFLICT DO NOTHING");
        Add(manifest, "id", snapshot.Id);
        Add(manifest, "versions", RulesetVersionsJson.Of(snapshot));
        await manifest.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<DecisionRecord?> FindOneAsync(CancellationToken cancellationToken, params (string Column, string Value)[] equal)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null, "");
        List<string> where = [.. equal.Select(condition => Filter(command, condition.Column, condition.Value)), WithinChain];
        command.CommandText = $"SELECT {RecordColumns} FROM decisions{Where(where)}";
        await foreach (var record in ReadRecordsAsync(command, cancellationToken)) return record;
        return null;
    }

    /// <summary>The records already stored under the batch's idempotency keys, by caller and key.</summary>
    private static async Task<Dictionary<(string Caller, string Key), DecisionRecord>> FindByKeysAsync(
        DbConnection connection, DbTransaction transaction, IReadOnlyList<PendingDecision> batch, CancellationToken cancellationToken)
    {
        var keys = batch.Where(p => p.Record.IdempotencyKey is not null).Select(p => (p.Record.Caller, Key: p.Record.IdempotencyKey!)).Distinct().ToArray();
        var found = new Dictionary<(string Caller, string Key), DecisionRecord>();
        if (keys.Length == 0) return found;
        await using var command = Command(connection, transaction, "");
        var pairs = keys.Select((key, i) =>
        {
            Add(command, "c" + i, key.Caller);
            Add(command, "k" + i, key.Key);
            return $"(caller = @c{i} AND idempotency_key = @k{i})";
        });
        command.CommandText = $"SELECT {RecordColumns} FROM decisions WHERE ({string.Join(" OR ", pairs)}) AND {WithinChain}";
        await foreach (var record in ReadRecordsAsync(command, cancellationToken)) found[(record.Caller, record.IdempotencyKey!)] = record;
        return found;
    }

    private static async Task<ChainHead> ReadHeadAsync(DbConnection connection, DbTransaction? transaction, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, "SELECT position, record_hash FROM chain_head WHERE id = 1");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new ChainHead(reader.GetInt64(0), reader.GetString(1))
            : throw new InvalidOperationException("The decision log has no chain head row; its schema is damaged.");
    }

    private static DbCommand InsertCommand(DbConnection connection, DbTransaction transaction)
    {
        var names = RecordColumns.Split(", ");
        var command = Command(connection, transaction,
            $"INSERT INTO decisions ({RecordColumns}) VALUES ({string.Join(", ", names.Select(n => "@" + n))})");
        foreach (var name in names)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            command.Parameters.Add(parameter);
        }
        return command;
    }

    private static void Bind(DbCommand insert, DecisionRecord record)
    {
        object?[] values =
        [
            record.Position, record.DecisionId.ToString("D"), record.ApplicationId, record.EnterpriseId, record.Outcome,
            record.DecidedAt.ToUnixTimeMilliseconds(), record.Caller, record.RequestId, record.IdempotencyKey,
            record.RequestHash, record.RequestJson, record.ResponseJson, record.SnapshotId, record.RulesetVersions,
            record.EngineVersion, record.ServiceVersion, record.PreviousHash, record.RecordHash, record.Kind, record.Activation,
        ];
        for (var i = 0; i < values.Length; i++)
        {
            var parameter = insert.Parameters[i];
            parameter.Value = values[i] ?? DBNull.Value;
            if (values[i] is null) parameter.DbType = i == values.Length - 1 ? DbType.Int64 : DbType.String;
        }
    }

    private static async IAsyncEnumerable<DecisionRecord> ReadRecordsAsync(DbCommand command, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return new DecisionRecord
            {
                Position = reader.GetInt64(0),
                DecisionId = Guid.Parse(reader.GetString(1)),
                ApplicationId = reader.GetString(2),
                EnterpriseId = reader.GetString(3),
                Outcome = reader.GetString(4),
                DecidedAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(5)),
                Caller = reader.GetString(6),
                RequestId = reader.GetString(7),
                IdempotencyKey = reader.IsDBNull(8) ? null : reader.GetString(8),
                RequestHash = reader.GetString(9),
                RequestJson = reader.GetString(10),
                ResponseJson = reader.GetString(11),
                SnapshotId = reader.GetString(12),
                RulesetVersions = reader.GetString(13),
                EngineVersion = reader.GetString(14),
                ServiceVersion = reader.GetString(15),
                PreviousHash = reader.GetString(16),
                RecordHash = reader.GetString(17),
                Kind = reader.GetString(18),
                Activation = reader.IsDBNull(19) ? null : reader.GetInt64(19),
            };
        }
    }

    private static List<string> Filters(DbCommand command, DateTimeOffset? from, DateTimeOffset? to, string column = "decided_at_ms")
    {
        var where = new List<string>();
        if (from is { } start)
        {
            Add(command, "from", start.ToUnixTimeMilliseconds());
            where.Add($"{column} >= @from");
        }
        if (to is { } end)
        {
            Add(command, "to", end.ToUnixTimeMilliseconds());
            where.Add($"{column} < @to");
        }
        return where;
    }

    private static string Filter(DbCommand command, string column, string value)
    {
        var parameter = column.Replace('.', '_');
        Add(command, parameter, value);
        return $"{column} = @{parameter}";
    }

    private static string Where(List<string> conditions) => conditions.Count == 0 ? "" : " WHERE " + string.Join(" AND ", conditions);

    protected static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    protected static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    protected static async Task ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, sql);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<object?> ScalarAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, sql);
        return await command.ExecuteScalarAsync(cancellationToken);
    }
}
