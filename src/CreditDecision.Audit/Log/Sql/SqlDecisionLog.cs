using System.Collections.Concurrent;
using System.Data.Common;
using System.Data;
using System.Runtime.CompilerServices;
using System.Text.Json;
using CreditDecision.Audit.Challenger;
using CreditDecision.Core.Portfolio;
using CreditDecision.Core.Rules;

namespace CreditDecision.Audit.Log.Sql;

/// <summary>
/// The decision log over ADO.NET, shared by the SQLite and PostgreSQL stores: the SQL below is the subset both
/// speak. A store supplies connections, its schema scripts and how a write transaction takes the chain lock.
/// </summary>
public abstract partial class SqlDecisionLog : IDecisionLog, IChallengerResults
{
    private const string SummaryColumns =
        "decision_id, position, application_id, enterprise_id, outcome, decided_at_ms, caller, snapshot_id, kind";

    /// <summary>
    /// Every read is limited to the chain the head row ends: a row written into the table past the head was not
    /// appended by the service, and is never served (verify names it).
    /// </summary>
    private const string WithinChain = "position <= (SELECT position FROM chain_head WHERE id = 1)";

    private const int CachedSnapshotRows = 256;

    private readonly HashSet<string> _archivedSnapshots = [];
    private readonly ConcurrentDictionary<string, SnapshotRow> _snapshotRows = new();
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
        var byId = await FindByContentIdsAsync(connection, transaction, batch, cancellationToken);
        var results = new AppendResult[batch.Count];
        var newSnapshots = new List<RulesetSnapshot>();
        var newPortfolios = new List<PortfolioSnapshot>();

        var linkedRecords = new List<LogRecord>(batch.Count);
        for (var i = 0; i < batch.Count; i++)
        {
            var (record, snapshot, portfolio) = batch[i];
            if (record.IdempotencyKey is { } key && byKey.TryGetValue((record.Caller, key), out var first))
            {
                results[i] = new AppendResult(first, Duplicate: true);
                continue;
            }
            if (RecordKinds.IdentifiedByContent(record.Kind) && byId.TryGetValue(record.RecordId, out var same))
            {
                results[i] = new AppendResult(same, Duplicate: true);
                continue;
            }
            var linked = DecisionChain.Link(record, head);
            linkedRecords.Add(linked);
            head = new ChainHead(linked.Position, linked.RecordHash);
            if (linked.IdempotencyKey is { } newKey) byKey[(linked.Caller, newKey)] = linked;
            if (RecordKinds.IdentifiedByContent(linked.Kind)) byId[linked.RecordId] = linked;
            if (!IsArchived(_archivedSnapshots, snapshot.Id) && newSnapshots.All(s => s.Id != snapshot.Id)) newSnapshots.Add(snapshot);
            if (portfolio is not null && !IsArchived(_archivedPortfolios, portfolio.Version) && newPortfolios.All(p => p.Version != portfolio.Version))
            {
                newPortfolios.Add(portfolio);
            }
            results[i] = new AppendResult(linked, Duplicate: false);
        }

        foreach (var snapshot in newSnapshots) await ArchiveAsync(connection, transaction, snapshot, cancellationToken);
        foreach (var portfolio in newPortfolios) await ArchiveAsync(connection, transaction, portfolio, cancellationToken);
        await InsertLinkedAsync(connection, transaction, linkedRecords, head, cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        lock (_archivedLock)
        {
            foreach (var snapshot in newSnapshots) _archivedSnapshots.Add(snapshot.Id);
            foreach (var portfolio in newPortfolios) _archivedPortfolios.Add(portfolio.Version);
        }
        return results;
    }

    private const string MoveHead = "UPDATE chain_head SET position = @position, record_hash = @hash WHERE id = 1";

    /// <summary>
    /// Inserts the linked records and moves the chain head to the last. Where the driver sends several commands in
    /// one round trip (PostgreSQL), they go as one batch: the chain head's lock is held for one round trip instead
    /// of one per record, which bounds every node of a cluster (ADR 0018).
    /// </summary>
    private static async Task InsertLinkedAsync(
        DbConnection connection, DbTransaction transaction, List<LogRecord> records, ChainHead head, CancellationToken cancellationToken)
    {
        if (connection.CanCreateBatch)
        {
            await using var batch = connection.CreateBatch();
            batch.Transaction = transaction;
            foreach (var record in records) RecordColumns.AddInsert(batch, record);
            var update = batch.CreateBatchCommand();
            update.CommandText = MoveHead;
            AddParameter(update, "position", head.Position);
            AddParameter(update, "hash", head.RecordHash);
            batch.BatchCommands.Add(update);
            await batch.ExecuteNonQueryAsync(cancellationToken);
            return;
        }
        await using (var insert = RecordColumns.Insert(connection, transaction))
        {
            foreach (var record in records)
            {
                RecordColumns.Bind(insert, record);
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }
        }
        await using var move = Command(connection, transaction, MoveHead);
        Add(move, "position", head.Position);
        Add(move, "hash", head.RecordHash);
        await move.ExecuteNonQueryAsync(cancellationToken);
    }

    private static void AddParameter(DbBatchCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    public Task<LogRecord?> FindAsync(Guid decisionId, CancellationToken cancellationToken) =>
        FindOneAsync(cancellationToken, ("decision_id", decisionId.ToString("D")));

    public Task<LogRecord?> FindByIdempotencyKeyAsync(string caller, string idempotencyKey, CancellationToken cancellationToken) =>
        FindOneAsync(cancellationToken, ("caller", caller), ("idempotency_key", idempotencyKey));

    public async Task<IReadOnlyList<LogRecord>> FindBySubjectAsync(string kind, string subject, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null, "");
        List<string> where = [Filter(command, "kind", kind), Filter(command, "application_id", subject), WithinChain];
        command.CommandText = $"SELECT {RecordColumns.List} FROM decisions{Where(where)} ORDER BY position";
        var records = new List<LogRecord>();
        await foreach (var record in ReadRecordsAsync(command, cancellationToken)) records.Add(record);
        return records;
    }

    public async Task<IReadOnlyList<LogRecord>> ReferralsAsync(ReferralQuery query, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null, "");
        var where = Filters(command, from: null, query.DecidedBefore);
        where.Add(WithinChain);
        where.Add(Filter(command, "kind", RecordKinds.Decision));
        where.Add(Filter(command, "outcome", "refer"));
        where.Add($"{(query.Finalised ? "" : "NOT ")}EXISTS (SELECT 1 FROM decisions f WHERE f.kind = '{RecordKinds.Final}' AND f.application_id = decisions.decision_id AND f.{WithinChain})");
        // The authority level is in the response only, which the store may keep compressed: that filter reads the
        // referrals and pages them here (open referrals are few: each waits for a person).
        var byLevel = query.AuthorityLevel is { } level ? $"\"authorityLevel\":\"{level}\"" : null;
        command.CommandText = $"SELECT {RecordColumns.List} FROM decisions{Where(where)} ORDER BY position" + (byLevel is null ? " LIMIT @limit OFFSET @offset" : "");
        var skip = (long)(query.Page - 1) * query.PageSize;
        Add(command, "limit", query.PageSize + 1);
        Add(command, "offset", skip);
        var records = new List<LogRecord>();
        await foreach (var record in ReadRecordsAsync(command, cancellationToken))
        {
            if (byLevel is not null && !record.ResponseJson.Contains(byLevel, StringComparison.Ordinal)) continue;
            if (byLevel is not null && skip-- > 0) continue;
            records.Add(record);
            if (records.Count > query.PageSize) break;
        }
        return records;
    }

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
        if (query.Final is { } final) where.Add(LatestFinalMatches(command, final));
        command.CommandText = $"SELECT {SummaryColumns} FROM decisions{Where(where)} ORDER BY position DESC LIMIT @limit OFFSET @offset";
        Add(command, "limit", query.PageSize + 1);
        Add(command, "offset", (long)(query.Page - 1) * query.PageSize);

        var items = new List<DecisionSummary>(query.PageSize + 1);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(new DecisionSummary(
                Guid.Parse(Text(reader, "decision_id")), Int64(reader, "position"), Text(reader, "application_id"), Text(reader, "enterprise_id"),
                Text(reader, "outcome"), Instant(reader, "decided_at_ms"), Text(reader, "caller"), Text(reader, "snapshot_id"), Text(reader, "kind")));
        }
        var hasMore = items.Count > query.PageSize;
        if (hasMore) items.RemoveAt(items.Count - 1);
        return new DecisionPage(query.Page, query.PageSize, hasMore, items);
    }

    public IAsyncEnumerable<LogRecord> ExportAsync(DateTimeOffset? from, DateTimeOffset? to, CancellationToken cancellationToken) =>
        ExportAsync(from, to, kind: null, cancellationToken);

    /// <summary>
    /// The decision's latest final decision (a final on it that no later final follows) matches the query. Whether a
    /// final overrides the engine is read from its response, where the contract's JSON writes it as <c>"overridden":true</c>.
    /// </summary>
    private static string LatestFinalMatches(DbCommand command, FinalQuery query)
    {
        List<string> conditions =
        [
            Filter(command, "f.kind", RecordKinds.Final),
            "f.application_id = decisions.decision_id",
            "f." + WithinChain,
            $"NOT EXISTS (SELECT 1 FROM decisions g WHERE g.kind = f.kind AND g.application_id = f.application_id AND g.position > f.position AND g.{WithinChain})",
        ];
        if (query.Outcome is not null) conditions.Add(Filter(command, "f.outcome", query.Outcome));
        if (query.Officer is not null) conditions.Add(Filter(command, "f.caller", query.Officer));
        if (query.Overridden is { } overridden) conditions.Add($"f.response_json {(overridden ? "" : "NOT ")}LIKE '%\"overridden\":true%'");
        return $"EXISTS (SELECT 1 FROM decisions f WHERE {string.Join(" AND ", conditions)})";
    }

    public async IAsyncEnumerable<LogRecord> ExportAsync(
        DateTimeOffset? from, DateTimeOffset? to, string? kind, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null, "");
        var where = Filters(command, from, to);
        where.Add(WithinChain);
        if (kind is not null) where.Add(Filter(command, "kind", kind));
        command.CommandText = $"SELECT {RecordColumns.List} FROM decisions{Where(where)} ORDER BY position";
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
            "SELECT d.decision_id, d.snapshot_id, d.response_json, d.response_z, d.trace_compact, " +
            "c.snapshot_id AS challenger_snapshot_id, c.response_json AS challenger_response_json FROM decisions d " +
            $"LEFT JOIN challenger_results c ON c.decision_id = d.decision_id{Where(where)} ORDER BY d.position";
        await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            // Columns in their order: the reader is sequential.
            var decisionId = Guid.Parse(Text(reader, "decision_id"));
            var snapshotId = Text(reader, "snapshot_id");
            var text = Text(reader, "response_json");
            var stored = reader.GetOrdinal("response_z");
            var response = reader.IsDBNull(stored) ? text : StoredJson.Inflate((byte[])reader.GetValue(stored));
            if (NullableText(reader, "trace_compact") is { } compact)
            {
                response = WithTrace(response, compact, await SnapshotRowAsync(snapshotId, cancellationToken));
            }
            yield return new ShadowedDecision(
                decisionId, response, NullableText(reader, "challenger_snapshot_id"), NullableText(reader, "challenger_response_json"));
        }
    }

    public async Task<ChainVerification> VerifyAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        // The head and every row from one snapshot: appends made meanwhile are neither missing nor past the head.
        await using var snapshot = await BeginSnapshotAsync(connection, cancellationToken);
        var head = await ReadHeadAsync(connection, snapshot, cancellationToken);
        await using var command = Command(connection, snapshot, $"SELECT {RecordColumns.List} FROM decisions ORDER BY position");
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
        // A snapshot archived before its row kept a trace template gets it now, with the first record that needs it.
        await using var manifest = Command(connection, transaction,
            "INSERT INTO rule_snapshots (snapshot_id, ruleset_versions, trace_template) VALUES (@id, @versions, @template) " +
            "ON CONFLICT (snapshot_id) DO UPDATE SET trace_template = excluded.trace_template WHERE rule_snapshots.trace_template IS NULL");
        Add(manifest, "id", snapshot.Id);
        Add(manifest, "versions", RulesetVersionsJson.Of(snapshot));
        Add(manifest, "template", TraceTemplate.Of(snapshot).Json);
        await manifest.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<LogRecord?> FindOneAsync(CancellationToken cancellationToken, params (string Column, string Value)[] equal)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null, "");
        List<string> where = [.. equal.Select(condition => Filter(command, condition.Column, condition.Value)), WithinChain];
        command.CommandText = $"SELECT {RecordColumns.List} FROM decisions{Where(where)}";
        await foreach (var record in ReadRecordsAsync(command, cancellationToken)) return record;
        return null;
    }

    /// <summary>The records already stored under the batch's idempotency keys, by caller and key.</summary>
    private async Task<Dictionary<(string Caller, string Key), LogRecord>> FindByKeysAsync(
        DbConnection connection, DbTransaction transaction, IReadOnlyList<PendingDecision> batch, CancellationToken cancellationToken)
    {
        var keys = batch.Where(p => p.Record.IdempotencyKey is not null).Select(p => (p.Record.Caller, Key: p.Record.IdempotencyKey!)).Distinct().ToArray();
        var found = new Dictionary<(string Caller, string Key), LogRecord>();
        if (keys.Length == 0) return found;
        await using var command = Command(connection, transaction, "");
        var pairs = keys.Select((key, i) =>
        {
            Add(command, "c" + i, key.Caller);
            Add(command, "k" + i, key.Key);
            return $"(caller = @c{i} AND idempotency_key = @k{i})";
        });
        command.CommandText = $"SELECT {RecordColumns.List} FROM decisions WHERE ({string.Join(" OR ", pairs)}) AND {WithinChain}";
        await foreach (var record in ReadRecordsAsync(command, cancellationToken)) found[(record.Caller, record.IdempotencyKey!)] = record;
        return found;
    }

    /// <summary>The records already stored under the ids of the batch's records that are identified by their content.</summary>
    private async Task<Dictionary<Guid, LogRecord>> FindByContentIdsAsync(
        DbConnection connection, DbTransaction transaction, IReadOnlyList<PendingDecision> batch, CancellationToken cancellationToken)
    {
        var ids = batch.Where(p => RecordKinds.IdentifiedByContent(p.Record.Kind)).Select(p => p.Record.RecordId).Distinct().ToArray();
        var found = new Dictionary<Guid, LogRecord>();
        if (ids.Length == 0) return found;
        await using var command = Command(connection, transaction, "");
        var names = ids.Select((id, i) =>
        {
            Add(command, "i" + i, id.ToString("D"));
            return "@i" + i;
        });
        command.CommandText = $"SELECT {RecordColumns.List} FROM decisions WHERE decision_id IN ({string.Join(", ", names)}) AND {WithinChain}";
        await foreach (var record in ReadRecordsAsync(command, cancellationToken)) found[record.RecordId] = record;
        return found;
    }

    private static async Task<ChainHead> ReadHeadAsync(DbConnection connection, DbTransaction? transaction, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, "SELECT position, record_hash FROM chain_head WHERE id = 1");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new ChainHead(Int64(reader, "position"), Text(reader, "record_hash"))
            : throw new InvalidOperationException("The decision log has no chain head row; its schema is damaged.");
    }

    private async IAsyncEnumerable<LogRecord> ReadRecordsAsync(DbCommand command, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) yield return await RebuiltAsync(RecordColumns.Read(reader), cancellationToken);
    }

    /// <summary>A record as it was appended: a decision kept in compact form gets its trace and ruleset versions back from its snapshot's row.</summary>
    private async ValueTask<LogRecord> RebuiltAsync(LogRecord record, CancellationToken cancellationToken)
    {
        if (record.StoredTrace is not { } compact) return record;
        var snapshot = await SnapshotRowAsync(record.SnapshotId, cancellationToken);
        return record with { ResponseJson = WithTrace(record.ResponseJson, compact, snapshot), RulesetVersions = snapshot.RulesetVersions, StoredTrace = null };
    }

    /// <summary>A stored response without its trace, with the trace rebuilt from its compact form.</summary>
    private static string WithTrace(string traceless, string compact, SnapshotRow snapshot)
    {
        try
        {
            return StoredJson.WithTrace(traceless, compact, snapshot.Template);
        }
        catch (Exception ex) when (ex is JsonException or FormatException or IndexOutOfRangeException or InvalidOperationException)
        {
            // A compact trace altered in the store: the response keeps an empty trace, which its hash does not cover,
            // so verify names the record (and a report reads it) instead of failing.
            return traceless;
        }
    }

    /// <summary>
    /// The archived row of a snapshot a compact record was made with, read once and kept: it never changes once it has a
    /// template. Read on a connection of its own, so a reader stays open meanwhile (PostgreSQL allows one per connection).
    /// </summary>
    private async ValueTask<SnapshotRow> SnapshotRowAsync(string snapshotId, CancellationToken cancellationToken)
    {
        if (_snapshotRows.TryGetValue(snapshotId, out var known)) return known;
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null, "SELECT ruleset_versions, trace_template FROM rule_snapshots WHERE snapshot_id = @id");
        Add(command, "id", snapshotId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken) || NullableText(reader, "trace_template") is not { } template)
        {
            throw new InvalidOperationException(
                $"A decision kept in compact form names snapshot {snapshotId}, whose archived row or trace template the log lacks; the log is damaged.");
        }
        var row = new SnapshotRow(Text(reader, "ruleset_versions"), TraceTemplate.Parse(template));
        if (_snapshotRows.Count >= CachedSnapshotRows) _snapshotRows.Clear();
        _snapshotRows[snapshotId] = row;
        return row;
    }

    private sealed record SnapshotRow(string RulesetVersions, TraceTemplate Template);

    // Columns are read by name, never by their place in a SELECT.
    protected static string Text(DbDataReader reader, string column) => reader.GetString(reader.GetOrdinal(column));

    protected static string? NullableText(DbDataReader reader, string column) =>
        reader.GetOrdinal(column) is var i && reader.IsDBNull(i) ? null : reader.GetString(i);

    protected static long Int64(DbDataReader reader, string column) => reader.GetInt64(reader.GetOrdinal(column));

    protected static long? NullableInt64(DbDataReader reader, string column) =>
        reader.GetOrdinal(column) is var i && reader.IsDBNull(i) ? null : reader.GetInt64(i);

    protected static DateTimeOffset Instant(DbDataReader reader, string column) => DateTimeOffset.FromUnixTimeMilliseconds(Int64(reader, column));

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
