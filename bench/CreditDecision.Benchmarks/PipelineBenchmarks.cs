using BenchmarkDotNet.Attributes;
using CreditDecision.Core.Contracts;
using CreditDecision.Core.Decisions;
using CreditDecision.Core.Portfolio;
using CreditDecision.Core.Rules;
using CreditDecision.Testing;

namespace CreditDecision.Benchmarks;

/// <summary>One full decision (all five stages, the shipped rulesets) in-process, for each shipped sample.</summary>
[MemoryDiagnoser]
public class PipelineBenchmarks
{
    private RulesetSnapshot _snapshot = null!;
    private LoanApplication _application = null!;
    private PortfolioSnapshot _portfolio = null!;

    public static IEnumerable<string> Samples() =>
        Directory.EnumerateFiles(RepoPaths.Samples, "*.json").Select(Path.GetFileNameWithoutExtension).Order()!;

    [ParamsSource(nameof(Samples))]
    public string Sample { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        _snapshot = BenchmarkInputs.Rules();
        _application = BenchmarkInputs.Application(Sample);
        _portfolio = BenchmarkInputs.Portfolio();
    }

    [Benchmark]
    public DecisionResponse Decide() =>
        DecisionPipeline.Evaluate(_snapshot, _portfolio, _application, Guid.Empty, DateTimeOffset.UnixEpoch);
}
