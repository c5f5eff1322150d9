
namespace CreditDecision.Cli.Tests;

/// <summary>The policy staff's CLI, run through its real entry point on real folders.</summary>
public class CommandLineTests
{
    private static async Task<(int Exit, string Output)> Run(params string[] args)
    {
        using var output = new StringWriter();
        using var errors = new StringWriter();
        var exit = await CommandLine.RunAsync(args, output, errors);
        return (exit, output.ToString() + errors);
    }

    [Fact]
    public async Task Validate_accepts_the_shipped_rules()
    {
        var (exit, output) = await Run("validate", RepoPaths.Rules);
        Assert.Equal(0, exit);
        Assert.Contains("valid: the folder would go live.", output);
        Assert.Contains("sme-approval", output);
    }

    [Fact]
    public async Task Validate_reports_a_broken_rule_with_file_line_rule_and_expression()
    {
        using var rules = RepoPaths.CopyOfRules();
        var approval = Path.Combine(rules.Path, "approval.json");
        FileEdit.Replace(approval, "applicant.taxArrears > taxArrearsTolerance", "applicant.taxArears > taxArrearsTolerance");
        var ruleLine = Array.FindIndex(File.ReadAllLines(approval), l => l.Contains("\"TaxArrearsOutstanding\"", StringComparison.Ordinal)) + 1;

        var (exit, output) = await Run("validate", rules.Path);

        Assert.Equal(1, exit);
        Assert.Contains($"{approval}({ruleLine},1): error: sme-approval TaxArrearsOutstanding: Expression does not compile", output);
        Assert.Contains("[applicant.taxArears > taxArrearsTolerance]", output);
    }

    [Fact]
    public async Task Validate_points_at_the_line_of_a_json_syntax_error()
    {
        using var rules = RepoPaths.CopyOfRules();
        File.WriteAllText(Path.Combine(rules.Path, "limit.json"), "{\n  \"WorkflowName\": \"x\"\n  \"Stage\": \"limit\"\n}");
        var (exit, output) = await Run("validate", rules.Path);
        Assert.Equal(1, exit);
        Assert.Contains("limit.json(3,1): error:", output);
    }

    [Fact]
    public async Task Test_prints_every_case_and_the_difference_of_a_failing_one()
    {
        using var rules = RepoPaths.CopyOfRules();
        FileEdit.Replace(Path.Combine(rules.Path, "approval.json"), "\"taxArrearsTolerance\": 10000", "\"taxArrearsTolerance\": 100000000");

        var (exit, output) = await Run("test", rules.Path);

        Assert.Equal(1, exit);
        Assert.Contains("PASS  sme-rating:", output);
        Assert.Matches(@"FAIL  sme-approval: [^\n]*\n {8}\S", output);
        Assert.Matches(@"\d+ passed, [1-9]\d* failed", output);
    }

    [Fact]
    public async Task Test_passes_on_the_shipped_rules()
    {
        var (exit, output) = await Run("test", RepoPaths.Rules);
        Assert.Equal(0, exit);
        Assert.DoesNotContain("FAIL", output);
    }

    [Fact]
    public async Task Diff_names_changed_added_and_removed_rules_and_parameters()
    {
        using var rules = RepoPaths.CopyOfRules();
        var approval = Path.Combine(rules.Path, "approval.json");
        FileEdit.Replace(approval, "\"minYearsInBusiness\": 2", "\"minYearsInBusiness\": 3");
        FileEdit.Replace(approval, "\"RuleName\": \"TaxRatingC\"", "\"RuleName\": \"TaxRatingCOrWorse\"");

        var (exit, output) = await Run("diff", RepoPaths.Rules, rules.Path);

        Assert.Equal(0, exit);
        Assert.Contains("sme-approval:", output);
        Assert.Contains("parameter changed: minYearsInBusiness: 2 -> 3", output);
        Assert.Contains("rule added: TaxRatingCOrWorse", output);
        Assert.Contains("rule removed: TaxRatingC", output);
        Assert.DoesNotContain("sme-rating:", output);
    }

    [Fact]
    public async Task Decide_prints_the_decision_with_its_trace()
    {
        var (exit, output) = await Run("decide", RepoPaths.Rules, Path.Combine(RepoPaths.Samples, "tax-arrears.json"));
        Assert.Equal(0, exit);
        Assert.Contains("\"outcome\": \"decline\"", output);
        Assert.Contains("KO_TAX_ARREARS", output);
        Assert.Contains("\"trace\"", output);
    }

    [Fact]
    public async Task Wrong_usage_prints_help_and_exits_2()
    {
        var (exit, output) = await Run("frobnicate");
        Assert.Equal(2, exit);
        Assert.Contains("Usage: creditdecision", output);
    }
}
