using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace CreditDecision.Api.Tests;

/// <summary>
/// The decision log stores the audit tests run against: SQLite, and PostgreSQL: the server <c>CREDITDECISION_TEST_POSTGRES</c>
/// names (CI sets it; <c>scripts/test-postgres.sh</c> starts one), else one the tests start from Debian's binaries when
/// they are installed. Without either the PostgreSQL rows are still listed, and skipped with the reason
/// (<see cref="Requires.Store"/>).
/// </summary>
public static class TestStores
{
    public const string Sqlite = "sqlite";
    public const string Postgres = "postgres";
    public const string PostgresVariable = "CREDITDECISION_TEST_POSTGRES";

    /// <summary>The server <see cref="PostgresVariable"/> names, else one the tests start (<see cref="LocalPostgres"/>), else null.</summary>
    public static string? PostgresConnectionString => Environment.GetEnvironmentVariable(PostgresVariable) ?? LocalPostgres.ConnectionString;

    /// <summary>Theory data: every store, whether or not this machine has a PostgreSQL server.</summary>
    public static TheoryData<string> All => new() { Sqlite, Postgres };
}

/// <summary>A decision log database of its own for one application instance, removed on dispose.</summary>
public sealed class TestLogDatabase : IDisposable
{
    private readonly TempDirectory? _folder;
    private readonly string? _schema;

    private TestLogDatabase(string provider, string connectionString, TempDirectory? folder, string? schema)
    {
        Provider = provider;
        ConnectionString = connectionString;
        _folder = folder;
        _schema = schema;
    }

    public string Provider { get; }
    public string ConnectionString { get; }

    /// <param name="server">PostgreSQL to use instead of the one <see cref="TestStores.PostgresVariable"/> names.</param>
    public static TestLogDatabase Create(string store, string? server = null)
    {
        if (store == TestStores.Sqlite)
        {
            var folder = new TempDirectory();
            return new TestLogDatabase(store, $"Data Source={Path.Combine(folder.Path, "decisions.db")}", folder, null);
        }
        server ??= Requires.Postgres();
        var schema = "test_" + Guid.NewGuid().ToString("N");
        var builder = new NpgsqlConnectionStringBuilder(server) { SearchPath = schema };
        return new TestLogDatabase(store, builder.ToString(), null, schema);
    }

    /// <summary>A private copy of a SQLite log file (a fixture written by an earlier release), removed on dispose.</summary>
    public static TestLogDatabase CopyOfSqlite(string file)
    {
        var folder = new TempDirectory();
        var copy = Path.Combine(folder.Path, "decisions.db");
        File.Copy(file, copy);
        return new TestLogDatabase(TestStores.Sqlite, $"Data Source={copy}", folder, null);
    }

    /// <summary>Runs SQL directly against the store, behind the service's back (to tamper, for instance).</summary>
    public async Task<int> ExecuteAsync(string sql)
    {
        await using var connection = Open();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteNonQueryAsync();
    }

    /// <summary>The first column of the first row of a query.</summary>
    public async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = Open();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }

    /// <summary>Runs SQL with parameters (<c>@name</c>) directly against the store.</summary>
    public async Task<int> ExecuteAsync(string sql, IReadOnlyDictionary<string, object?> parameters)
    {
        await using var connection = Open();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }
        return await command.ExecuteNonQueryAsync();
    }

    /// <summary>Every row of a query, each as column name to value (null for SQL NULL).</summary>
    public async Task<List<Dictionary<string, object?>>> QueryAsync(string sql)
    {
        await using var connection = Open();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<Dictionary<string, object?>>();
        while (await reader.ReadAsync())
        {
            var row = new Dictionary<string, object?>(StringComparer.Ordinal);
            for (var i = 0; i < reader.FieldCount; i++) row[reader.GetName(i)] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            rows.Add(row);
        }
        return rows;
    }

    private DbConnection Open() => Provider == TestStores.Sqlite
        ? new SqliteConnection(ConnectionString + ";Pooling=false")
        : new NpgsqlConnection(ConnectionString);

    public void Dispose()
    {
        if (_schema is not null)
        {
            using var connection = new NpgsqlConnection(TestStores.PostgresConnectionString);
            connection.Open();
            using var drop = connection.CreateCommand();
            drop.CommandText = $"DROP SCHEMA IF EXISTS \"{_schema}\" CASCADE";
            drop.ExecuteNonQuery();
        }
        _folder?.Dispose();
    }
}
