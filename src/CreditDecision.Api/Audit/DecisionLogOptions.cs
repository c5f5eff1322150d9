using System.ComponentModel.DataAnnotations;
using CreditDecision.Audit.Log.Sql;

namespace CreditDecision.Api.Audit;

/// <summary>Configuration section <c>DecisionLog</c>.</summary>
public sealed class DecisionLogOptions
{
    public const string Section = "DecisionLog";

    /// <summary><c>sqlite</c> (embedded, the default) or <c>postgres</c> (shared by several nodes).</summary>
    [Required, RegularExpression("^(sqlite|postgres)$", ErrorMessage = "DecisionLog:Provider must be 'sqlite' or 'postgres'.")]
    public string Provider { get; set; } = DecisionLogStores.Sqlite;

    /// <summary>
    /// ADO.NET connection string. For SQLite a relative <c>Data Source</c> is resolved against the content root;
    /// for PostgreSQL, <c>Search Path</c> names the schema the log lives in (created when missing).
    /// </summary>
    [Required] public string ConnectionString { get; set; } = "";
}
