using System.Text.Json;
using BenchmarkDotNet.Attributes;
using CreditDecision.Audit.Finals;
using CreditDecision.Audit.Log;
using CreditDecision.Audit.Log.Sql;
using CreditDecision.Audit.Recording;
using CreditDecision.Core.Contracts;
using CreditDecision.Core.Decisions;
using CreditDecision.Core.Portfolio;
using CreditDecision.Core.Rules;
using CreditDecision.Testing;

namespace CreditDecision.Benchmarks;

/// <summary>
/// What recording a credit officer's final decision costs against appending an engine decision, on the SQLite log
/// (WAL, synchronous=FULL), one request at a time so each is its own durable commit: the final reads its decision and
/// the finals already on it, runs the checks and appends its record. Each iteration first logs 32 referred decisions
/// for its finals to close (an iteration setup makes BenchmarkDotNet invoke each benchmark once per iteration).
/// </summary>
[MemoryDiagnoser]
public class FinalDecisionBenchmarks
{
    private const int PerIteration = 32;

    private string _folder = null!;
    private SqliteDecisionLog _log = null!;
    private DecisionLogWriter _writer = null!;
    private FinalDecisionRecorder _recorder = null!;
    private RulesHost _rules = null!;
    private PendingDecision _referral = null!;
    private readonly List<Guid> _open = [];

    private static readonly FinalDecisionRequest Approve = new() { Outcome = FinalOutcomes.Approve, ApprovedAmount = 500_000m, AnnualRate = 0.05m };
    private static readonly Officer Officer = new("benchmark-officer", "head-office");
    private static readonly CallerContext Caller = new("benchmark-officer", "benchmark");

    [GlobalSetup]
    public void Setup()
    {
        _folder = Directory.CreateTempSubdirectory("creditdecision-finals-").FullName;
        _log = new SqliteDecisionLog($"Data Source={Path.Combine(_folder, "decisions.db")}");
        _log.MigrateAsync(CancellationToken.None).GetAwaiter().GetResult();
        _writer = new DecisionLogWriter(_log);
        _rules = new RulesHost(RepoPaths.Rules, new RulesetArchive(Path.Combine(_folder, "archive")), TimeProvider.System);
        _rules.Reload();
        _recorder = new FinalDecisionRecorder(_log, _writer, _rules, TimeProvider.System);
        var portfolio = PortfolioSnapshot.Parse(File.ReadAllBytes(RepoPaths.PortfolioFile)).Snapshot!;
        var application = JsonSerializer.Deserialize<LoanApplication>(RepoPaths.Sample("young-firm"), ContractJson.Options)!;
        var response = DecisionPipeline.Evaluate(_rules.Current!, portfolio, application, Guid.CreateVersion7(), DateTimeOffset.UtcNow);
        var record = LogRecords.Decision(application, LogRecords.RequestJson(application), response, _rules.Current!, new CallerContext("benchmark-lender", "benchmark"));
        _referral = new PendingDecision(record, _rules.Current!, portfolio);
    }

    [IterationSetup]
    public void LogReferrals()
    {
        _open.Clear();
        for (var i = 0; i < PerIteration; i++) _open.Add(AppendDecisionAsync().GetAwaiter().GetResult());
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = PerIteration)]
    public async Task AppendEngineDecision()
    {
        for (var i = 0; i < PerIteration; i++) await AppendDecisionAsync();
    }

    [Benchmark(OperationsPerInvoke = PerIteration)]
    public async Task RecordFinalDecision()
    {
        foreach (var decisionId in _open)
        {
            var result = await _recorder.RecordAsync(decisionId, Approve, Officer, Caller, CancellationToken.None);
            if (result.Recorded is null) throw new InvalidOperationException($"The final decision was refused: {result.Refusal?.Detail}");
        }
    }

    private async Task<Guid> AppendDecisionAsync()
    {
        var id = Guid.CreateVersion7();
        var response = JsonSerializer.Deserialize<DecisionResponse>(_referral.Record.ResponseJson, ContractJson.Options)! with { DecisionId = id };
        var record = _referral.Record with { RecordId = id, ResponseJson = JsonSerializer.Serialize(response, ContractJson.Options) };
        await _writer.AppendAsync(record, _referral.Snapshot, _referral.Portfolio, CancellationToken.None);
        return id;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _log.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Directory.Delete(_folder, recursive: true);
    }
}
