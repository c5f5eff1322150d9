using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using CreditDecision.Core.Rules;
using CreditDecision.Testing;

namespace CreditDecision.Benchmarks;

/// <summary>
/// What a reload costs: compiling the shipped rule files (parse, sandbox check, compile), and compiling 100
/// generated approval rulesets of 50 rules each, every rule with its own thresholds so nothing is shared. And the
/// longest compile the rule limits allow: a file of additions that spends the whole compile budget.
/// </summary>
[MemoryDiagnoser]
public class CompileBenchmarks
{
    private (string Path, byte[] Content)[] _shipped = [];
    private (string Path, byte[] Content)[] _generated = [];
    private byte[] _budgetFilling = [];

    [GlobalSetup]
    public void Setup()
    {
        _shipped = [.. Directory.EnumerateFiles(RepoPaths.Rules, "*.json")
            .Where(path => !path.EndsWith(RulesDirectoryLoader.CasesSuffix, StringComparison.Ordinal))
            .Select(path => (path, File.ReadAllBytes(path)))];
        _generated = [.. Enumerable.Range(0, 100).Select(n => ($"generated-{n}.json", GeneratedRuleset(n, rules: 50)))];
        _budgetFilling = CostliestRule.BudgetFillingFile();
    }

    [Benchmark]
    public int ShippedRules() => _shipped.Sum(file => RulesetCompiler.Compile(file.Path, file.Content).Ruleset!.Rules.Length);

    [Benchmark]
    public int BudgetFillingFile() => RulesetCompiler.Compile("additions.json", _budgetFilling).Errors.Count;

    [Benchmark]
    public int HundredRulesetsOfFiftyRules() => _generated.Sum(file => RulesetCompiler.Compile(file.Path, file.Content).Ruleset!.Rules.Length);

    /// <summary>An approval ruleset whose rules mix the shapes real policy uses: thresholds, ratios, lists, helpers.</summary>
    public static byte[] GeneratedRuleset(int number, int rules)
    {
        var json = new StringBuilder($$"""{"WorkflowName":"generated-{{number}}","Stage":"approval","Rules":[""");
        for (var i = 0; i < rules; i++)
        {
            var threshold = (number * rules + i).ToString(CultureInfo.InvariantCulture);
            var expression = (i % 4) switch
            {
                0 => $"applicant.taxArrears > {threshold} && applicant.yearsInBusiness < 3",
                1 => $"applicant.totalLiabilities / Math.Max(applicant.totalAssets, 1m) > 0.{threshold}m",
                2 => $"applicant.industry in (\"mining\", \"construction\") && loan.amount > {threshold}000",
                _ => $"Finance.AnnualPayment(loan.amount, 0.05m, loan.termMonths) > applicant.ebitda * 0.{threshold}m",
            };
            if (i > 0) json.Append(',');
            json.Append($$$"""{"RuleName":"Rule{{{i}}}","Description":"Generated rule {{{i}}}.","Expression":{{{System.Text.Json.JsonSerializer.Serialize(expression)}}},"Properties":{"Effect":"refer","ReasonCode":"REF_GEN_{{{i}}}","Message":"Generated."}}""");
        }
        return Encoding.UTF8.GetBytes(json.Append("]}").ToString());
    }
}
