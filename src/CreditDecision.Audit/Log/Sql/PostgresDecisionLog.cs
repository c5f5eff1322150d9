using System.Data.Common;
using Npgsql;

namespace CreditDecision.Audit.Log.Sql;

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

    protected override IReadOnlyList<string> Migrations { get; } = SqlSchema.Migrations(bigint: "BIGINT", blob: "BYTEA",
        idempotencyKeysPerCaller: $"ALTER TABLE decisions DROP CONSTRAINT decisions_idempotency_key_key;\n{SqlSchema.KeysPerCallerIndex}");

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

    protected override async ValueTask<DbTransaction> BeginSnapshotAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
        await ExecuteAsync(connection, transaction, "SET TRANSACTION READ ONLY", cancellationToken);
        return transaction;
    }

    public override async Task MigrateAsync(int version, CancellationToken cancellationToken)
    {
        if (_schema is not null)
        {
            await using var connection = await OpenAsync(cancellationToken);
            await ExecuteAsync(connection, null, $"CREATE SCHEMA IF NOT EXISTS \"{_schema}\"", cancellationToken);
        }
        await base.MigrateAsync(version, cancellationToken);
    }

    /// <summary>
    /// Notifications are per database, so each schema has a channel of its own: nodes of a log in one schema are not
    /// woken by activations of a log in another.
    /// </summary>
    private string ActivationChannel => _schema is null ? "creditdecision_rules" : $"creditdecision_rules_{_schema}";
    private NpgsqlConnection? _listener;
    private readonly SemaphoreSlim _listening = new(1, 1);
    private readonly CancellationTokenSource _disposing = new();
    private int _disposed;

    protected override string ActivationNotice => $"NOTIFY {ActivationChannel}";

    /// <summary>
    /// LISTENs on one connection of its own; a lost connection is reopened on the next wait. Disposing the log ends a
    /// wait in progress first: the connection cannot be closed while it waits.
    /// </summary>
    public override async Task WaitForActivationAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposing.Token);
        await _listening.WaitAsync(waiting.Token);
        try
        {
            if (_listener is null)
            {
                _listener = await _dataSource.OpenConnectionAsync(waiting.Token);
                await ExecuteAsync(_listener, null, $"LISTEN {ActivationChannel}", waiting.Token);
            }
            await _listener.WaitAsync(timeout, waiting.Token);
        }
        catch (Exception ex) when (ex is NpgsqlException or IOException or InvalidOperationException)
        {
            await CloseListenerAsync();
            await Task.Delay(timeout, waiting.Token);
        }
        catch (OperationCanceledException)
        {
            // A wait cancelled part-way may leave the connection mid-protocol: start afresh next time.
            await CloseListenerAsync();
            throw;
        }
        finally
        {
            _listening.Release();
        }
    }

    private async Task CloseListenerAsync()
    {
        if (_listener is null) return;
        try
        {
            await _listener.DisposeAsync();
        }
        catch (Exception ex) when (ex is NpgsqlException or IOException or InvalidOperationException)
        {
            // Already broken: nothing left to close cleanly.
        }
        _listener = null;
    }

    public override async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        await _disposing.CancelAsync();
        await _listening.WaitAsync();
        await CloseListenerAsync();
        await _dataSource.DisposeAsync();
    }

    private static bool IsPlainIdentifier(string name) =>
        name.Length is > 0 and <= 63 && !char.IsAsciiDigit(name[0]) && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_');
}
