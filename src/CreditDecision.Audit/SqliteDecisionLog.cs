using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace CreditDecision.Audit;

/// <summary>
/// The embedded decision log: one SQLite file in WAL mode with <c>synchronous=FULL</c>, so a committed append
/// survives a process crash and a power cut. Writers serialize on SQLite's write lock (BEGIN IMMEDIATE).
/// </summary>
public sealed class SqliteDecisionLog : SqlDecisionLog
{
    private readonly string _connectionString;

    public SqliteDecisionLog(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString) { Pooling = true };
        if (string.IsNullOrWhiteSpace(builder.DataSource) || builder.DataSource == ":memory:" || builder.Mode == SqliteOpenMode.Memory)
        {
            throw new ArgumentException("The SQLite decision log needs a file (Data Source=path): an in-memory log is not durable.");
        }
        var folder = Path.GetDirectoryName(Path.GetFullPath(builder.DataSource));
        if (folder is not null) Directory.CreateDirectory(folder);
        _connectionString = builder.ToString();
        DataSource = builder.DataSource;
    }

    /// <summary>The database file.</summary>
    public string DataSource { get; }

    protected override IReadOnlyList<string> Migrations { get; } =
    [
        """
        CREATE TABLE decisions (
            position         INTEGER PRIMARY KEY,
            decision_id      TEXT    NOT NULL UNIQUE,
            application_id   TEXT    NOT NULL,
            enterprise_id    TEXT    NOT NULL,
            outcome          TEXT    NOT NULL,
            decided_at_ms    INTEGER NOT NULL,
            caller           TEXT    NOT NULL,
            request_id       TEXT    NOT NULL,
            idempotency_key  TEXT    UNIQUE,
            request_hash     TEXT    NOT NULL,
            request_json     TEXT    NOT NULL,
            response_json    TEXT    NOT NULL,
            snapshot_id      TEXT    NOT NULL,
            ruleset_versions TEXT    NOT NULL,
            engine_version   TEXT    NOT NULL,
            service_version  TEXT    NOT NULL,
            previous_hash    TEXT    NOT NULL,
            record_hash      TEXT    NOT NULL
        );
        CREATE INDEX decisions_application ON decisions (application_id);
        CREATE INDEX decisions_enterprise ON decisions (enterprise_id);
        CREATE INDEX decisions_decided_at ON decisions (decided_at_ms);
        CREATE TABLE chain_head (
            id          INTEGER PRIMARY KEY CHECK (id = 1),
            position    INTEGER NOT NULL,
            record_hash TEXT    NOT NULL
        );
        INSERT INTO chain_head (id, position, record_hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
        CREATE TABLE rulesets (
            name    TEXT NOT NULL,
            version TEXT NOT NULL,
            stage   TEXT NOT NULL,
            content BLOB NOT NULL,
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
            content BLOB NOT NULL
        );
        """,
    ];

    protected override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        // WAL persists in the file; synchronous and the busy timeout are per connection.
        await ExecuteAsync(connection, null, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 10000;", cancellationToken);
        return connection;
    }

    protected override ValueTask<DbTransaction> BeginAppendAsync(DbConnection connection, CancellationToken cancellationToken) =>
        BeginImmediate(connection);

    protected override ValueTask<DbTransaction> BeginMigrationAsync(DbConnection connection, CancellationToken cancellationToken) =>
        BeginImmediate(connection);

    // IMMEDIATE takes the write lock at BEGIN, so the chain head read next cannot go stale.
    private static ValueTask<DbTransaction> BeginImmediate(DbConnection connection) =>
        ValueTask.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: false));

    public override ValueTask DisposeAsync()
    {
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
        return ValueTask.CompletedTask;
    }
}
