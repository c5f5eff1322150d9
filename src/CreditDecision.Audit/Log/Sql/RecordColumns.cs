using System.Data;
using System.Data.Common;

namespace CreditDecision.Audit.Log.Sql;

/// <summary>
/// The one map between a <see cref="LogRecord"/> and the <c>decisions</c> table: per column its name, its type and
/// how its value is taken from a record and put back. The column list, the insert, the binding of its parameters
/// and the reading of a row all come from this table, so a new field is one row here and one migration.
/// </summary>
internal static class RecordColumns
{
    private static readonly RecordColumn[] All =
    [
        Int64("position", r => r.Position, (r, v) => r with { Position = v }),
        Id("decision_id", r => r.RecordId, (r, v) => r with { RecordId = v }),
        Text("application_id", r => r.Subject, (r, v) => r with { Subject = v }),
        Text("enterprise_id", r => r.EnterpriseId, (r, v) => r with { EnterpriseId = v }),
        Text("outcome", r => r.Outcome, (r, v) => r with { Outcome = v }),
        Instant("decided_at_ms", r => r.RecordedAt, (r, v) => r with { RecordedAt = v }),
        Text("caller", r => r.Caller, (r, v) => r with { Caller = v }),
        Text("request_id", r => r.RequestId, (r, v) => r with { RequestId = v }),
        NullableText("idempotency_key", r => r.IdempotencyKey, (r, v) => r with { IdempotencyKey = v }),
        Text("request_hash", r => r.RequestHash, (r, v) => r with { RequestHash = v }),
        // Empty where the record is stored compressed: the compressed columns below then give the text back.
        Text("request_json", r => r.StoredRequest is null ? r.RequestJson : "", (r, v) => r with { RequestJson = v }),
        Text("response_json", r => r.StoredResponse is null ? r.ResponseJson : "", (r, v) => r with { ResponseJson = v }),
        Text("snapshot_id", r => r.SnapshotId, (r, v) => r with { SnapshotId = v }),
        // Empty where the trace is kept compact: the snapshot's row holds the versions (SqlDecisionLog rebuilds both).
        Text("ruleset_versions", r => r.StoredTrace is null ? r.RulesetVersions : "", (r, v) => r with { RulesetVersions = v }),
        Text("engine_version", r => r.EngineVersion, (r, v) => r with { EngineVersion = v }),
        Text("service_version", r => r.ServiceVersion, (r, v) => r with { ServiceVersion = v }),
        Text("previous_hash", r => r.PreviousHash, (r, v) => r with { PreviousHash = v }),
        Text("record_hash", r => r.RecordHash, (r, v) => r with { RecordHash = v }),
        Text("kind", r => r.Kind, (r, v) => r with { Kind = v }),
        NullableInt64("activation", r => r.ClusterActivation, (r, v) => r with { ClusterActivation = v }),
        Compressed("request_z", r => r.StoredRequest, (r, v) => r with { RequestJson = v }),
        Compressed("response_z", r => r.StoredResponse, (r, v) => r with { ResponseJson = v }),
        NullableText("trace_compact", r => r.StoredTrace, (r, v) => r with { StoredTrace = v }),
    ];

    /// <summary>Every column, comma-separated, in the table's order.</summary>
    public static readonly string List = string.Join(", ", All.Select(c => c.Name));

    private static readonly string InsertText = $"INSERT INTO decisions ({List}) VALUES ({string.Join(", ", All.Select(c => c.Parameter))})";

    /// <summary>An insert of one record, its parameters typed and waiting for <see cref="Bind"/>.</summary>
    public static DbCommand Insert(DbConnection connection, DbTransaction transaction)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = InsertText;
        foreach (var column in All)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = column.Parameter;
            parameter.DbType = column.Type;
            command.Parameters.Add(parameter);
        }
        return command;
    }

    /// <summary>Adds the insert of one record, with its values, to a batch of commands sent together.</summary>
    public static void AddInsert(DbBatch batch, LogRecord record)
    {
        var command = batch.CreateBatchCommand();
        command.CommandText = InsertText;
        foreach (var column in All)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = column.Parameter;
            parameter.DbType = column.Type;
            parameter.Value = column.Value(record) ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }
        batch.BatchCommands.Add(command);
    }

    /// <summary>Sets the parameters of an <see cref="Insert"/> to the record's values.</summary>
    public static void Bind(DbCommand insert, LogRecord record)
    {
        for (var i = 0; i < All.Length; i++) insert.Parameters[i].Value = All[i].Value(record) ?? DBNull.Value;
    }

    /// <summary>The record of the reader's current row, which selected <see cref="List"/>.</summary>
    public static LogRecord Read(DbDataReader reader)
    {
        // Every required field is set from the row below; these placeholders are never seen.
        var record = new LogRecord
        {
            Kind = "", RecordId = Guid.Empty, Subject = "", EnterpriseId = "", Outcome = "", RecordedAt = default, Caller = "", RequestId = "",
            RequestHash = "", RequestJson = "", ResponseJson = "", SnapshotId = "", RulesetVersions = "", EngineVersion = "", ServiceVersion = "",
        };
        for (var i = 0; i < All.Length; i++) record = All[i].Read(record, reader.IsDBNull(i) ? null : reader.GetValue(i));
        return record;
    }

    private static RecordColumn Text(string name, Func<LogRecord, string> get, Func<LogRecord, string, LogRecord> set) =>
        new(name, DbType.String, r => get(r), (r, v) => set(r, (string)v!));

    private static RecordColumn NullableText(string name, Func<LogRecord, string?> get, Func<LogRecord, string?, LogRecord> set) =>
        new(name, DbType.String, r => get(r), (r, v) => set(r, (string?)v));

    private static RecordColumn Int64(string name, Func<LogRecord, long> get, Func<LogRecord, long, LogRecord> set) =>
        new(name, DbType.Int64, r => get(r), (r, v) => set(r, Convert.ToInt64(v, System.Globalization.CultureInfo.InvariantCulture)));

    private static RecordColumn NullableInt64(string name, Func<LogRecord, long?> get, Func<LogRecord, long?, LogRecord> set) =>
        new(name, DbType.Int64, r => get(r), (r, v) => set(r, v is null ? null : Convert.ToInt64(v, System.Globalization.CultureInfo.InvariantCulture)));

    /// <summary>A text kept deflated (<see cref="StoredJson"/>); null for a record kept as text, which leaves the record as read.</summary>
    private static RecordColumn Compressed(string name, Func<LogRecord, byte[]?> get, Func<LogRecord, string, LogRecord> set) =>
        new(name, DbType.Binary, r => get(r), (r, v) => v is byte[] stored ? set(r, StoredJson.Inflate(stored)) : r);

    /// <summary>A GUID kept as text in its canonical form.</summary>
    private static RecordColumn Id(string name, Func<LogRecord, Guid> get, Func<LogRecord, Guid, LogRecord> set) =>
        new(name, DbType.String, r => get(r).ToString("D"), (r, v) => set(r, Guid.Parse((string)v!)));

    /// <summary>An instant kept as milliseconds since the Unix epoch.</summary>
    private static RecordColumn Instant(string name, Func<LogRecord, DateTimeOffset> get, Func<LogRecord, DateTimeOffset, LogRecord> set) =>
        new(name, DbType.Int64, r => get(r).ToUnixTimeMilliseconds(),
            (r, v) => set(r, DateTimeOffset.FromUnixTimeMilliseconds(Convert.ToInt64(v, System.Globalization.CultureInfo.InvariantCulture))));

    private sealed record RecordColumn(string Name, DbType Type, Func<LogRecord, object?> Value, Func<LogRecord, object?, LogRecord> Read)
    {
        // With its prefix, as in the SQL: SQLite's driver otherwise tries each prefix in turn on every bind.
        public string Parameter { get; } = "@" + Name;
    }
}
