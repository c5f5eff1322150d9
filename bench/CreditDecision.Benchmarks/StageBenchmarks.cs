using BenchmarkDotNet.Attributes;
using CreditDecision.Core.Decisions;
using CreditDecision.Core.Rules;
using CreditDecision.Testing;

namespace CreditDecision.Benchmarks;

/// <summary>
/// One stage alone: the 60-rule rating scorecard on the healthy-manufacturer facts; and the costliest single rule the
/// rule limits accept, on the same facts.
/// </summary>
[MemoryDiagnoser]
public class StageBenchmarks
{
    private CompiledRuleset _rating = null!;
    private DecisionFacts _facts = null!;
    private CompiledRule _costliest = null!;

    [GlobalSetup]
    public void Setup()
    {
        var rules = BenchmarkInputs.Rules();
        _rating = rules[Stage.Rating];
        _facts = FactsBuilder.Build(rules, BenchmarkInputs.Application("healthy-manufacturer"), BenchmarkInputs.Portfolio());
        var calls = CostliestRule.MostCallsAccepted(file => Compile(file).Ruleset is not null);
        _costliest = Compile(CostliestRule.ApprovalFile(calls)).Ruleset!.Rules.Single();
    }

    private static CompilationResult Compile(string file) => RulesetCompiler.Compile("costliest.json", System.Text.Encoding.UTF8.GetBytes(file));

    [Benchmark]
    public bool CostliestAcceptedRule() => _costliest.Condition(_facts);

    [Benchmark]
    public bool[] RatingStage()
    {
        var at = new EvaluationPoint();
        return DecisionPipeline.Run(_rating, _facts, ref at);
    }
}
