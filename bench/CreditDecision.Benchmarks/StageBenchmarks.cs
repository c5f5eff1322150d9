using System.Text.Json;
using BenchmarkDotNet.Attributes;
using CreditDecision.Core.Contracts;
using CreditDecision.Core.Decisions;
using CreditDecision.Core.Portfolio;
using CreditDecision.Core.Rules;
using CreditDecision.Testing;

namespace CreditDecision.Benchmarks;

/// <summary>One stage alone: the 60-rule rating scorecard on the healthy-manufacturer facts.</summary>
[MemoryDiagnoser]
public class StageBenchmarks
{
    private CompiledRuleset _rating = null!;
    private DecisionFacts _facts = null!;

    [GlobalSetup]
    public void Setup()
    {
        var snapshot = RulesDirectoryLoader.Load(RepoPaths.Rules, TimeProvider.System).Snapshot
            ?? throw new InvalidOperationException("shipped rules do not load");
        _rating = snapshot[Stage.Rating];
        var application = JsonSerializer.Deserialize<LoanApplication>(RepoPaths.Sample("healthy-manufacturer"), ContractJson.Options)!;
        _facts = FactsBuilder.Build(application, PortfolioSnapshot.Parse(File.ReadAllBytes(RepoPaths.PortfolioFile)).Snapshot!);
    }

    [Benchmark]
    public bool[] RatingStage() => DecisionPipeline.Run(_rating, _facts);
}
