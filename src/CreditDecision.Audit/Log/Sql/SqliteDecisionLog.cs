using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace CreditDecision.Audit.Log.Sql;

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
        SqlSchema.Migrations(bigint: "INTEGER", blob: "BLOB", idempotencyKeysPerCaller: SqlSchema.RebuiltWithKeysPerCaller(bigint: "INTEGER"));

    protected override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        // WAL persists in the file; synchronous and the busy timeout are per connection.
        await ExecuteAsync(connection, null, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 10000;", cancellationToken);
        return connection;
    }

    /// <summary>Without the fsync per commit: the next decision's commit (synchronous=FULL) makes them durable.</summary>
    protected override async ValueTask<DbConnection> OpenForShadowAsync(CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken);
        await ExecuteAsync(connection, null, "PRAGMA synchronous = NORMAL;", cancellationToken);
        return connection;
    }

    protected override ValueTask<DbTransaction> BeginAppendAsync(DbConnection connection, CancellationToken cancellationToken) =>
        BeginImmediate(connection);

    protected override ValueTask<DbTransaction> BeginMigrationAsync(DbConnection connection, CancellationToken cancellationToken) =>
        BeginImmediate(connection);

    /// <summary>A deferred transaction: in WAL mode its first read fixes the snapshot, and writers carry on meanwhile.</summary>
    protected override ValueTask<DbTransaction> BeginSnapshotAsync(DbConnection connection, CancellationToken cancellationToken) =>
        ValueTask.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: true));

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
