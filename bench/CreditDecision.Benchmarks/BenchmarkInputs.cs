using System.Text.Json;
using CreditDecision.Core.Contracts;
using CreditDecision.Core.Portfolio;
using CreditDecision.Core.Rules;
using CreditDecision.Testing;

namespace CreditDecision.Benchmarks;

/// <summary>What the benchmarks decide with: the shipped rules, a shipped sample application, the shipped loan book.</summary>
public static class BenchmarkInputs
{
    public static RulesetSnapshot Rules() =>
        RulesDirectoryLoader.Load(RepoPaths.Rules, TimeProvider.System).Snapshot ?? throw new InvalidOperationException("shipped rules do not load");

    public static LoanApplication Application(string sample) =>
        JsonSerializer.Deserialize<LoanApplication>(RepoPaths.Sample(sample), ContractJson.Options)!;

    public static PortfolioSnapshot Portfolio() => PortfolioSnapshot.Parse(File.ReadAllBytes(RepoPaths.PortfolioFile)).Snapshot!;
}
