using System.Text.Json;
using BenchmarkDotNet.Attributes;
using CreditDecision.Audit.Log.Sql;
using CreditDecision.Audit.Log;
using CreditDecision.Audit.Recording;
using CreditDecision.Audit;
using CreditDecision.Core.Contracts;
using CreditDecision.Core.Decisions;
using CreditDecision.Core.Portfolio;
using CreditDecision.Core.Rules;
using CreditDecision.Testing;
using Microsoft.Data.Sqlite;

namespace CreditDecision.Benchmarks;

/// <summary>
/// The cost of appending to the SQLite decision log (WAL, synchronous=FULL) when it already holds 0, 1 million or
/// 5 million records: one group-commit batch of 64 real decision records per operation, reported per record.
/// The existing records are generated in bulk by SQL (random application, enterprise and idempotency keys, so every
/// index grows as in production; 2 KB of JSON each instead of the ~8 KB of a real record, which only lengthens
/// overflow chains the append never reads). Their hashes are random, so a generated log does not verify; the
/// append reads only the chain head. Generated files are kept in $TMPDIR/creditdecision-log-growth for later runs.
/// </summary>
[MemoryDiagnoser]
public class LogGrowthBenchmarks
{
    private const int BatchSize = 64;

    private SqliteDecisionLog _log = null!;
    private PendingDecision _template = null!;

    [Params(0, 1_000_000, 5_000_000)]
    public int ExistingRecords { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var folder = Path.Combine(Path.GetTempPath(), "creditdecision-log-growth");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, $"log-{ExistingRecords}.db");
        _template = RealDecision();
        if (!File.Exists(path)) Generate(path, ExistingRecords, _template.Record);
        _log = new SqliteDecisionLog($"Data Source={path}");
        _log.MigrateAsync(CancellationToken.None).GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup() => _log.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark(OperationsPerInvoke = BatchSize)]
    public Task<IReadOnlyList<AppendResult>> AppendPerRecord()
    {
        var batch = new PendingDecision[BatchSize];
        for (var i = 0; i < batch.Length; i++)
        {
            batch[i] = _template with { Record = _template.Record with { RecordId = Guid.CreateVersion7(), IdempotencyKey = Guid.NewGuid().ToString("N") } };
        }
        return _log.AppendAsync(batch, CancellationToken.None);
    }

    private static PendingDecision RealDecision()
    {
        var snapshot = RulesDirectoryLoader.Load(RepoPaths.Rules, TimeProvider.System).Snapshot!;
        var portfolio = PortfolioSnapshot.Parse(File.ReadAllBytes(RepoPaths.PortfolioFile)).Snapshot!;
        var application = JsonSerializer.Deserialize<LoanApplication>(RepoPaths.Sample("healthy-manufacturer"), ContractJson.Options)!;
        var response = DecisionPipeline.Evaluate(snapshot, portfolio, application, Guid.CreateVersion7(), DateTimeOffset.UtcNow);
        var record = LogRecords.Decision(application, LogRecords.RequestJson(application), response, snapshot, new CallerContext("benchmark", "benchmark"));
        return new PendingDecision(record, snapshot, portfolio);
    }

    private static void Generate(string path, int count, LogRecord sample)
    {
        var schema = new SqliteDecisionLog($"Data Source={path}");
        schema.MigrateAsync(CancellationToken.None).GetAwaiter().GetResult();
        schema.DisposeAsync().AsTask().GetAwaiter().GetResult();
        using var connection = new SqliteConnection($"Data Source={path}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandTimeout = 0;
        command.CommandText = """
            PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -1000000;
            BEGIN;
            WITH RECURSIVE n(i) AS (SELECT 1 WHERE $count > 0 UNION ALL SELECT i + 1 FROM n WHERE i < $count)
            INSERT INTO decisions (position, decision_id, application_id, enterprise_id, outcome, decided_at_ms, caller, request_id,
                idempotency_key, request_hash, request_json, response_json, snapshot_id, ruleset_versions, engine_version,
                service_version, previous_hash, record_hash, kind)
            SELECT i, printf('00000000-0000-7000-8000-%012x', i), 'APP-' || hex(randomblob(6)), hex(randomblob(9)), 'approve',
                1600000000000 + i * 10, 'generated', 'req-' || i, lower(hex(randomblob(16))), lower(hex(randomblob(32))),
                substr($request, 1, 1024), substr($response, 1, 1024), $snapshot, $versions, 'generated', 'generated',
                lower(hex(randomblob(32))), lower(hex(randomblob(32))), 'decision'
            FROM n;
            UPDATE chain_head SET position = $count, record_hash = lower(hex(randomblob(32))) WHERE id = 1 AND $count > 0;
            COMMIT;
            PRAGMA journal_mode = WAL;
            """;
        command.Parameters.AddWithValue("$count", count);
        command.Parameters.AddWithValue("$request", sample.RequestJson);
        command.Parameters.AddWithValue("$response", sample.ResponseJson);
        command.Parameters.AddWithValue("$snapshot", sample.SnapshotId);
        command.Parameters.AddWithValue("$versions", sample.RulesetVersions);
        command.ExecuteNonQuery();
    }
}
