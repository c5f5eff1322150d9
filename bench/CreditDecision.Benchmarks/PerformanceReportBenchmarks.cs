using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using CreditDecision.Audit.Log;
using CreditDecision.Audit.Log.Sql;
using CreditDecision.Audit.Performance;
using CreditDecision.Audit.Recording;
using CreditDecision.Audit.Replay;
using CreditDecision.Core.Contracts;
using CreditDecision.Core.Decisions;
using CreditDecision.Core.Portfolio;
using CreditDecision.Core.Validation;
using CreditDecision.Testing;
using Microsoft.Data.Sqlite;

namespace CreditDecision.Benchmarks;

/// <summary>
/// The performance report over a SQLite log of 100,000 or 1,000,000 decisions made in January 2025, one in thirty with
/// a default outcome. 200 applicants of varied strength are decided by the real pipeline and logged (so their rules
/// are archived); the rest of the log copies their full records (about 9 KB of JSON each, every stage's trace) under
/// new ids by SQL. One cold run per size: the report streams the whole log, so its time is the measure, and the
/// process's peak working set is printed after it (it must not grow with the log). Generated files are kept in
/// $TMPDIR/creditdecision-performance for later runs.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(OneColdRun))]
public class PerformanceReportBenchmarks
{
    /// <summary>One cold run in this process: a run lasts minutes, and the log files it reads are generated here.</summary>
    private sealed class OneColdRun : ManualConfig
    {
        public OneColdRun() => AddJob(Job.Default.WithStrategy(RunStrategy.Monitoring).WithLaunchCount(1).WithWarmupCount(0).WithIterationCount(1)
            .WithToolchain(new InProcessEmitToolchain(TimeSpan.FromMinutes(40), logOutput: true)));
    }

    private const int Templates = 200;
    private static readonly DateTimeOffset DecidedAt = new(2025, 1, 15, 9, 0, 0, TimeSpan.Zero);

    private SqliteDecisionLog _log = null!;
    private PerformanceReporter _reporter = null!;

    [Params(100_000, 1_000_000)]
    public int Decisions { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var folder = Path.Combine(Path.GetTempPath(), "creditdecision-performance");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, $"log-{Decisions}.db");
        if (!File.Exists(path)) Generate(path, Decisions).GetAwaiter().GetResult();
        _log = new SqliteDecisionLog($"Data Source={path}");
        _reporter = new PerformanceReporter(_log, new DecisionReplayer(_log, archive: null, () => null, () => PortfolioSnapshot.Empty), TimeProvider.System);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        Console.WriteLine($"// peak working set after the report over {Decisions:N0} decisions: {Process.GetCurrentProcess().PeakWorkingSet64 / (1024 * 1024)} MiB");
        _log.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark]
    public Task<PerformanceReport> Report() =>
        _reporter.RunAsync(new PerformanceQuery("sme-rating", null, null, 12, null), ValidationThresholds.Default, CancellationToken.None);

    private static async Task Generate(string path, int count)
    {
        var log = new SqliteDecisionLog($"Data Source={path}");
        await log.MigrateAsync(CancellationToken.None);
        var snapshot = BenchmarkInputs.Rules();
        var portfolio = BenchmarkInputs.Portfolio();
        var random = new Random(2025);
        var batch = new List<PendingDecision>();
        for (var i = 0; i < Templates; i++)
        {
            var applicant = JsonNode.Parse(RepoPaths.Sample("healthy-manufacturer"))!;
            applicant["applicationId"] = $"APP-BENCH-{i:D3}";
            applicant["applicant"]!["creditScore"] = random.Next(520, 850);
            applicant["applicant"]!["yearsInBusiness"] = random.Next(1, 25);
            applicant["applicant"]!["totalLiabilities"] = random.Next(4, 18) * 1_000_000;
            applicant["applicant"]!["netProfitMargin"] = random.Next(-2, 15) / 100m;
            applicant["applicant"]!["overdueCountLast24m"] = random.Next(0, 4);
            var application = applicant.Deserialize<LoanApplication>(ContractJson.Options)!;
            var response = DecisionPipeline.Evaluate(snapshot, portfolio, application, Guid.CreateVersion7(DecidedAt), DecidedAt);
            batch.Add(new PendingDecision(
                LogRecords.Decision(application, LogRecords.RequestJson(application), response, snapshot, new CallerContext("benchmark", "benchmark")), snapshot, portfolio));
        }
        await log.AppendAsync(batch, CancellationToken.None);
        await log.DisposeAsync();

        using var connection = new SqliteConnection($"Data Source={path}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandTimeout = 0;
        // Copies of the templates' records under new ids and positions, then one default outcome per thirty decisions.
        command.CommandText = """
            PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -1000000;
            BEGIN;
            WITH RECURSIVE n(i) AS (SELECT $templates + 1 UNION ALL SELECT i + 1 FROM n WHERE i < $count)
            INSERT INTO decisions (position, decision_id, application_id, enterprise_id, outcome, decided_at_ms, caller, request_id,
                idempotency_key, request_hash, request_json, response_json, snapshot_id, ruleset_versions, engine_version,
                service_version, previous_hash, record_hash, kind)
            SELECT n.i, printf('00000000-0000-7000-8000-%012x', n.i), 'APP-' || n.i, t.enterprise_id, t.outcome, t.decided_at_ms + n.i,
                'generated', 'req-' || n.i, NULL, t.request_hash, t.request_json, t.response_json, t.snapshot_id, t.ruleset_versions,
                t.engine_version, t.service_version, lower(hex(randomblob(32))), lower(hex(randomblob(32))), 'decision'
            FROM n JOIN decisions t ON t.position = 1 + n.i % $templates;
            INSERT INTO decisions (position, decision_id, application_id, enterprise_id, outcome, decided_at_ms, caller, request_id,
                idempotency_key, request_hash, request_json, response_json, snapshot_id, ruleset_versions, engine_version,
                service_version, previous_hash, record_hash, kind)
            SELECT $count + d.position / 30, printf('00000000-0000-8000-8000-%012x', d.position), d.application_id, d.enterprise_id, 'default',
                d.decided_at_ms + 86400000 * 120, 'generated', 'req-o-' || d.position, NULL, 'generated',
                '{"decisionId":"' || d.decision_id || '","applicationId":"' || d.application_id || '","event":"default","date":"2025-05-15"}',
                '{}', d.snapshot_id, d.ruleset_versions, d.engine_version, d.service_version,
                lower(hex(randomblob(32))), lower(hex(randomblob(32))), 'outcome'
            FROM decisions d WHERE d.kind = 'decision' AND d.position % 30 = 0;
            UPDATE chain_head SET position = (SELECT MAX(position) FROM decisions), record_hash = lower(hex(randomblob(32))) WHERE id = 1;
            COMMIT;
            PRAGMA journal_mode = WAL;
            """;
        command.Parameters.AddWithValue("$count", count);
        command.Parameters.AddWithValue("$templates", Templates);
        command.ExecuteNonQuery();
    }
}
