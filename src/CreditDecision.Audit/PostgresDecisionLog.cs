using System.Data.Common;
using Npgsql;

namespace CreditDecision.Audit;

/// <summary>
/// The production decision log: PostgreSQL shared by every service node. An append locks the single chain-head
/// row (<c>SELECT ... FOR UPDATE</c>), so appends from all nodes form one chain in one order; each node batches
/// its appends (group commit), so the lock is taken once per batch, not once per decision.
/// </summary>
public sealed class PostgresDecisionLog : SqlDecisionLog
{
    // Any constant: the advisory lock that keeps two nodes from migrating the same schema at once.
    private const long MigrationLockKey = 0x43_44_4c_6f_67; // "CDLog"

    private readonly NpgsqlDataSource _dataSource;
    private readonly string? _schema;

    public PostgresDecisionLog(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        _schema = builder.SearchPath?.Split(',')[0].Trim();
        if (_schema is not null && !IsPlainIdentifier(_schema))
        {
            throw new ArgumentException($"Search Path '{builder.SearchPath}' must start with a plain schema name (letters, digits, underscore).");
        }
        _dataSource = NpgsqlDataSource.Create(builder);
    }

    protected override IReadOnlyList<string> Migrations { get; } =
    [
        """
        CREATE TABLE decisions (
            position         BIGINT PRIMARY KEY,
            decision_id      TEXT   NOT NULL UNIQUE,
            application_id   TEXT   NOT NULL,
            enterprise_id    TEXT   NOT NULL,
            outcome          TEXT   NOT NULL,
            decided_at_ms    BIGINT NOT NULL,
            caller           TEXT   NOT NULL,
            request_id       TEXT   NOT NULL,
            idempotency_key  TEXT   UNIQUE,
            request_hash     TEXT   NOT NULL,
            request_json     TEXT   NOT NULL,
            response_json    TEXT   NOT NULL,
            snapshot_id      TEXT   NOT NULL,
            ruleset_versions TEXT   NOT NULL,
            engine_version   TEXT   NOT NULL,
            service_version  TEXT   NOT NULL,
            previous_hash    TEXT   NOT NULL,
            record_hash      TEXT   NOT NULL
        );
        CREATE INDEX decisions_application ON decisions (application_id);
        CREATE INDEX decisions_enterprise ON decisions (enterprise_id);
        CREATE INDEX decisions_decided_at ON decisions (decided_at_ms);
        CREATE TABLE chain_head (
            id          INTEGER PRIMARY KEY CHECK (id = 1),
            position    BIGINT  NOT NULL,
            record_hash TEXT    NOT NULL
        );
        INSERT INTO chain_head (id, position, record_hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
        CREATE TABLE rulesets (
            name    TEXT  NOT NULL,
            version TEXT  NOT NULL,
            stage   TEXT  NOT NULL,
            content BYTEA NOT NULL,
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
        """
        CREATE TABLE portfolios (
            version TEXT PRIMARY KEY,
            content BYTEA NOT NULL
        );
        """,
    ];

    protected override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken) =>
        await _dataSource.OpenConnectionAsync(cancellationToken);

    protected override async ValueTask<DbTransaction> BeginAppendAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync(connection, transaction, "SELECT 1 FROM chain_head WHERE id = 1 FOR UPDATE", cancellationToken);
        return transaction;
    }

    protected override async ValueTask<DbTransaction> BeginMigrationAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync(connection, transaction, $"SELECT pg_advisory_xact_lock({MigrationLockKey})", cancellationToken);
        return transaction;
    }

    public override async Task MigrateAsync(CancellationToken cancellationToken)
    {
        if (_schema is not null)
        {
            await using var connection = await OpenAsync(cancellationToken);
            await ExecuteAsync(connection, null, $"CREATE SCHEMA IF NOT EXISTS \"{_schema}\"", cancellationToken);
        }
        await base.MigrateAsync(cancellationToken);
    }

    public override ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    private static bool IsPlainIdentifier(string name) =>
        name.Length is > 0 and <= 63 && !char.IsAsciiDigit(name[0]) && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_');
}
