namespace CreditDecision.Audit.Log.Sql;

/// <summary>
/// The one place a log store is chosen by its provider name, for the service, the command-line tool and the
/// cluster alike. The store also keeps the cluster's rules, the challenger results and the console's keys.
/// </summary>
public static class DecisionLogStores
{
    /// <summary>The embedded store of one node.</summary>
    public const string Sqlite = "sqlite";

    /// <summary>The store several nodes share; they then activate rules through it (a cluster).</summary>
    public const string Postgres = "postgres";

    /// <exception cref="ArgumentException">An unknown provider, or a connection string the store refuses.</exception>
    public static SqlDecisionLog Open(string provider, string connectionString) => provider.ToLowerInvariant() switch
    {
        Sqlite => new SqliteDecisionLog(connectionString),
        Postgres => new PostgresDecisionLog(connectionString),
        _ => throw new ArgumentException($"The decision log provider must be '{Sqlite}' or '{Postgres}', not '{provider}'."),
    };

    /// <summary>True when nodes on this provider share their rules through the store.</summary>
    public static bool IsShared(string? provider) => string.Equals(provider, Postgres, StringComparison.OrdinalIgnoreCase);
}
