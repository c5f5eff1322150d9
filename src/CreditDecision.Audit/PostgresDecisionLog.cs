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

    protected override IReadOnlyList<string> Migrations { get; } = Schema(bigint: "BIGINT", blob: "BYTEA");

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

    private const string ActivationChannel = "creditdecision_rules";
    private NpgsqlConnection? _listener;
    private readonly SemaphoreSlim _listening = new(1, 1);

    protected override string ActivationNotice => $"NOTIFY {ActivationChannel}";

    /// <summary>LISTENs on one connection of its own; a lost connection is reopened on the next wait.</summary>
    public override async Task WaitForActivationAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        await _listening.WaitAsync(cancellationToken);
        try
        {
            if (_listener is null)
            {
                _listener = await _dataSource.OpenConnectionAsync(cancellationToken);
                await ExecuteAsync(_listener, null, $"LISTEN {ActivationChannel}", cancellationToken);
            }
            await _listener.WaitAsync(timeout, cancellationToken);
        }
        catch (Exception ex) when (ex is NpgsqlException or IOException or InvalidOperationException)
        {
            if (_listener is not null) await _listener.DisposeAsync();
            _listener = null;
            await Task.Delay(timeout, cancellationToken);
        }
        finally
        {
            _listening.Release();
        }
    }

    public override async ValueTask DisposeAsync()
    {
        if (_listener is not null) await _listener.DisposeAsync();
        _listening.Dispose();
        await _dataSource.DisposeAsync();
    }

    private static bool IsPlainIdentifier(string name) =>
        name.Length is > 0 and <= 63 && !char.IsAsciiDigit(name[0]) && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_');
}
