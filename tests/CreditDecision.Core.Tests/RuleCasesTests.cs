using CreditDecision.Core.Rules;

namespace CreditDecision.Core.Tests;

public class RuleCasesTests
{
    private static readonly RulesetSnapshot Shipped =
        RulesDirectoryLoader.Load(RepoPaths.Rules, TimeProvider.System).Snapshot!;

    [Fact]
    public void Every_shipped_ruleset_has_cases_that_pass_and_cover_every_rule_both_ways()
    {
        var (results, fileErrors) = RuleCaseRunner.Run(Shipped);
        Assert.Empty(fileErrors);
        Assert.Empty(RuleCaseRunner.Failures(results));

        var gaps = new List<string>();
        foreach (var ruleset in Shipped.InDecisionOrder)
        {
            var own = results.Where(r => r.Ruleset == ruleset.Name).ToList();
            if (own.Count == 0) gaps.Add($"{ruleset.Name}: no cases file");
            foreach (var rule in ruleset.Rules)
            {
                if (!own.Any(r => r.Fired.GetValueOrDefault(rule.Name))) gaps.Add($"{ruleset.Name}.{rule.Name}: no case where it fires");
                // A rule whose condition is the literal "true" (a base rate, a catch-all LGD) cannot stay silent.
                var unconditional = rule.Expression.Trim() == "true";
                if (!unconditional && !own.Any(r => r.Fired.TryGetValue(rule.Name, out var f) && !f)) gaps.Add($"{ruleset.Name}.{rule.Name}: no case where it does not fire");
            }
        }
        Assert.True(gaps.Count == 0, string.Join("\n", gaps));
    }

    [Fact]
    public void A_failing_case_keeps_the_version_from_going_live_and_says_what_differs()
    {
        using var rules = RepoPaths.CopyOfRules();
        var approval = Path.Combine(rules.Path, "approval.json");
        File.WriteAllText(approval, File.ReadAllText(approval).Replace("\"taxArrearsTolerance\": 10000", "\"taxArrearsTolerance\": 100000000", StringComparison.Ordinal));

        var result = RulesDirectoryLoader.Load(rules.Path, TimeProvider.System);

        Assert.Null(result.Snapshot);
        var error = Assert.Single(result.Errors, e => e.Message.Contains("'Tax arrears of CNY 50,000 decline'", StringComparison.Ordinal));
        Assert.EndsWith("approval.cases.json", error.File);
        Assert.Contains("KO_TAX_ARREARS", error.Message);
        Assert.Contains("fails", error.Message);
    }
}
