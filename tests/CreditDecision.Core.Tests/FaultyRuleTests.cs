using System.Text.Json;
using CreditDecision.Core.Contracts;
using CreditDecision.Core.Decisions;
using CreditDecision.Core.Portfolio;
using CreditDecision.Core.Rules;

namespace CreditDecision.Core.Tests;

/// <summary>
/// Rule files that pass the sandbox yet would throw: where the fault shows in the file it is refused when the file
/// loads; where it shows only for some inputs, evaluating it is a rule evaluation error naming the ruleset and rule,
/// whatever was thrown, and a case that meets it refuses the folder.
/// </summary>
public sealed class FaultyRuleTests : IDisposable
{
    private readonly TempDirectory _rules = RepoPaths.CopyOfRules();

    public void Dispose() => _rules.Dispose();

    private string RuleFile(string stage) => Path.Combine(_rules.Path, stage + ".json");

    private static LoanApplication Sample(string name = "healthy-manufacturer") =>
        JsonSerializer.Deserialize<LoanApplication>(RepoPaths.Sample(name), ContractJson.Options)!;

    /// <summary>The folder compiled without its cases, as if no case reached the rule under test.</summary>
    private RulesetSnapshot CompiledWithoutCases()
    {
        var compiled = RulesDirectoryLoader.Compile(_rules.Path, TimeProvider.System);
        Assert.Empty(compiled.Errors);
        return compiled.Snapshot!;
    }

    [Theory]
    [InlineData("Math.Round(applicant.annualRevenue, 29) > 0", "Math.Round can round to 0 to 28 decimals, not 29")]
    [InlineData("Math.Round(applicant.annualRevenue, -1) > 0", "not -1")]
    [InlineData("applicant.industry.StartsWith(null)", "'String.StartsWith' is given null")]
    [InlineData("applicant.region.Contains(null) || applicant.taxArrears > 0", "'String.Contains' is given null")]
    public void A_call_whose_literal_argument_makes_it_throw_is_refused_when_the_file_loads(string expression, string reason)
    {
        var error = RuleFiles.SingleError(RuleFiles.Approval(expression));

        Assert.Equal("Probe", error.Rule);
        Assert.Equal(expression, error.Expression);
        Assert.Contains(reason, error.Message);
    }

    [Theory]
    [InlineData("0.0000000000000000000000000001")]
    [InlineData("0.001")]
    [InlineData("-10000")]
    public void A_rounding_step_that_would_overflow_or_mean_nothing_is_refused_when_the_file_loads(string step)
    {
        FileEdit.Replace(RuleFile("limit"), "\"RoundDownTo\": 10000", $"\"RoundDownTo\": {step}");

        var error = Assert.Single(RulesDirectoryLoader.Load(_rules.Path, TimeProvider.System).Errors);

        Assert.EndsWith("limit.json", error.File);
        Assert.Contains("Settings.RoundDownTo must be 0 (round to the cent) or a step of at least 0.01", error.Message);
    }

    [Theory]
    [InlineData("Math.Round(applicant.annualRevenue, applicant.employees + 100) > 0", "ArgumentOutOfRangeException")]
    [InlineData("applicant.industry.StartsWith(applicant.employees > 0 ? null : \"x\")", "ArgumentNullException")]
    [InlineData("applicant.annualRevenue / (applicant.employees - applicant.employees) > 0", "DivideByZeroException")]
    public void Whatever_a_condition_throws_is_a_rule_evaluation_error_naming_ruleset_rule_and_expression(string expression, string thrown)
    {
        FileEdit.InsertRule(RuleFile("approval"), "Throws", expression, FileEdit.Referral());
        var snapshot = CompiledWithoutCases();

        var error = Assert.Throws<RuleEvaluationException>(() =>
            DecisionPipeline.Evaluate(snapshot, PortfolioSnapshot.Empty, Sample(), Guid.Empty, DateTimeOffset.UnixEpoch));

        Assert.Equal("sme-approval", error.Ruleset);
        Assert.Equal("Throws", error.Rule);
        Assert.Equal(expression, error.Expression);
        Assert.StartsWith("its Expression failed", error.Reason);
        Assert.Equal(thrown, error.InnerException!.GetType().Name);
    }

    [Fact]
    public void A_rate_too_large_to_add_up_names_the_rule_whose_value_overflowed()
    {
        foreach (var name in new[] { "HugeRateB", "HugeRateA" })
        {
            FileEdit.InsertRule(RuleFile("pricing"), name, "true", new() { ["Sets"] = "rate" }, output: "9000000000000000000m * 5000000000m");
        }
        var snapshot = CompiledWithoutCases();

        var error = Assert.Throws<RuleEvaluationException>(() =>
            DecisionPipeline.Evaluate(snapshot, PortfolioSnapshot.Empty, Sample(), Guid.Empty, DateTimeOffset.UnixEpoch));

        Assert.Equal("sme-pricing", error.Ruleset);
        Assert.Equal("HugeRateB", error.Rule);
        Assert.StartsWith("its value could not be added into the pricing result", error.Reason);
        Assert.IsType<OverflowException>(error.InnerException);
    }

    [Fact]
    public void An_expected_loss_too_large_to_compute_names_the_ruleset_and_the_stage_result()
    {
        FileEdit.InsertRule(RuleFile("pricing"), "HugeLgd", "true", new() { ["Sets"] = "lgd" }, output: "9000000000000000000m * 5000000000m");
        var snapshot = CompiledWithoutCases();

        var error = Assert.Throws<RuleEvaluationException>(() =>
            DecisionPipeline.Evaluate(snapshot, PortfolioSnapshot.Empty, Sample(), Guid.Empty, DateTimeOffset.UnixEpoch));

        Assert.Equal("sme-pricing", error.Ruleset);
        Assert.Null(error.Rule);
        Assert.StartsWith("computing the pricing result from its rules failed", error.Reason);
    }

    [Fact]
    public void A_monitoring_rule_that_throws_is_a_rule_evaluation_error_too()
    {
        FileEdit.InsertRule(RuleFile("monitoring"), "Throws", "Math.Round(review.outstandingAmount, review.daysPastDue + 100) > 0",
            new() { ["Code"] = "MW_PROBE", ["Level"] = "yellow", ["Message"] = "Probe.", ["Action"] = "watch-list", ["Downgrade"] = 0 });
        var snapshot = CompiledWithoutCases();
        var review = JsonSerializer.Deserialize<LoanReview>(
            JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Rules, "monitoring.cases.json"))).RootElement.GetProperty("Base"), ContractJson.Options)!;

        var error = Assert.Throws<RuleEvaluationException>(() => MonitoringPipeline.Evaluate(snapshot, review, Guid.Empty, DateTimeOffset.UnixEpoch));

        Assert.Equal("sme-monitoring", error.Ruleset);
        Assert.Equal("Throws", error.Rule);
        Assert.IsType<ArgumentOutOfRangeException>(error.InnerException);
    }

    [Fact]
    public void A_rule_that_throws_for_a_case_refuses_the_folder_naming_its_own_file_rule_and_reason_once()
    {
        // Every case of every cases file reaches the approval stage; the error is reported once, in approval.json.
        FileEdit.InsertRule(RuleFile("approval"), "Throws", "Math.Round(applicant.annualRevenue, applicant.employees + 100) > 0", FileEdit.Referral());

        var result = RulesDirectoryLoader.Load(_rules.Path, TimeProvider.System);

        Assert.Null(result.Snapshot);
        var error = Assert.Single(result.Errors);
        Assert.Equal(RuleFile("approval"), error.File);
        Assert.Equal("sme-approval", error.Ruleset);
        Assert.Equal("Throws", error.Rule);
        Assert.Equal("Math.Round(applicant.annualRevenue, applicant.employees + 100) > 0", error.Expression);
        Assert.Contains("could not be evaluated: its Expression failed", error.Message);
        Assert.Contains(".cases.json)", error.Message);
    }

    [Fact]
    public void A_candidate_with_a_rule_that_throws_for_a_case_is_refused_for_a_backtest_as_well()
    {
        FileEdit.InsertRule(RuleFile("approval"), "Throws", "Math.Round(applicant.annualRevenue, applicant.employees + 100) > 0", FileEdit.Referral());

        var (compiled, caseFailures) = RulesDirectoryLoader.LoadCandidate(_rules.Path, TimeProvider.System);

        Assert.Null(compiled.Snapshot);
        Assert.Equal("Throws", Assert.Single(compiled.Errors).Rule);
        Assert.Empty(caseFailures);
    }
}
