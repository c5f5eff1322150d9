using BenchmarkDotNet.Attributes;
using CreditDecision.Core.Decisions;
using CreditDecision.Core.Rules;

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
        var rules = BenchmarkInputs.Rules();
        _rating = rules[Stage.Rating];
        _facts = FactsBuilder.Build(rules, BenchmarkInputs.Application("healthy-manufacturer"), BenchmarkInputs.Portfolio());
    }

    [Benchmark]
    public bool[] RatingStage() => DecisionPipeline.Run(_rating, _facts);
}
