using CreditDecision.Core.Rules;

namespace CreditDecision.Core.Tests;

public class RuleCasesTests
{
    private static readonly RulesetSnapshot Shipped = ShippedRules.Snapshot;

    [Fact]
    public void Every_shipped_ruleset_has_cases_that_pass_fire_and_silence_every_rule_and_bind_every_cap_and_rate_limit()
    {
        var (results, fileErrors) = RuleCaseRunner.Run(Shipped);
        Assert.Empty(fileErrors);
        Assert.Empty(RuleCaseRunner.Failures(results));
        Assert.Empty(RuleCaseRunner.Gaps(Shipped, results).Select(g => g.ToString()));

        var withCases = results.Select(r => r.Ruleset).ToHashSet();
        Assert.All(Shipped.All, ruleset => Assert.Contains(ruleset.Name, withCases));
    }

    [Theory]
    [InlineData("limit.json", "ProgrammeMaximum", """{ "RuleName": "ProgrammeMaximum", "Description": "A cap far above anything the SME programme lends.", "Expression": "true", "Properties": {"Cap": "programme-maximum"}, "Output": "100000000" },""", "no case makes this cap bind")]
    [InlineData("pricing.json", "RateCapGeneral", """{ "RuleName": "RateCapGeneral", "Description": "No SME loan above 8 %.", "Expression": "true", "Properties": {"Sets": "rate-cap"}, "Output": "0.08m" },""", "no case makes this rate cap bind")]
    public void A_cap_or_rate_limit_that_no_case_makes_bind_keeps_the_version_from_going_live(string file, string ruleName, string rule, string message)
    {
        using var rules = RepoPaths.CopyOfRules();
        AddRule(Path.Combine(rules.Path, file), rule);

        var result = RulesDirectoryLoader.Load(rules.Path, TimeProvider.System);

        Assert.Null(result.Snapshot);
        var error = Assert.Single(result.Errors);
        Assert.Equal(ruleName, error.Rule);
        Assert.EndsWith(Path.ChangeExtension(file, null) + ".cases.json", error.File);
        Assert.StartsWith(message, error.Message);
    }

    [Fact]
    public void A_rule_that_no_case_leaves_silent_keeps_the_version_from_going_live()
    {
        using var rules = RepoPaths.CopyOfRules();
        AddRule(Path.Combine(rules.Path, "early-warning.json"), """
            { "RuleName": "AlwaysWatched", "Description": "Every borrower is on the watch list.", "Expression": "applicant.annualRevenue >= 0",
              "Properties": {"Code": "EW_ALWAYS", "Level": "yellow", "Message": "Watched."} },
            """);

        var result = RulesDirectoryLoader.Load(rules.Path, TimeProvider.System);

        Assert.Null(result.Snapshot);
        Assert.Contains(result.Errors, e => e.Rule == "AlwaysWatched" && e.Message.StartsWith("no case leaves this rule silent", StringComparison.Ordinal));
    }

    /// <summary>Puts a rule first in a rule file's Rules.</summary>
    private static void AddRule(string path, string rule) => FileEdit.Replace(path, "\"Rules\": [", "\"Rules\": [\n" + rule);

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
