using BenchmarkDotNet.Attributes;
using CreditDecision.Core.Contracts;
using CreditDecision.Core.Decisions;

namespace CreditDecision.Benchmarks;

/// <summary>Checking one application before any rule sees it: every field against the bounds its contract declares.</summary>
[MemoryDiagnoser]
public class ValidationBenchmarks
{
    private LoanApplication _application = null!;

    [GlobalSetup]
    public void Setup() => _application = BenchmarkInputs.Application("healthy-manufacturer");

    [Benchmark]
    public IReadOnlyDictionary<string, string[]> Validate() => ApplicationValidator.Validate(_application);
}
