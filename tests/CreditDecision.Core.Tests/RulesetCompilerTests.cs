using System.Text;
using System.Text.Json;
using CreditDecision.Core.Rules;

namespace CreditDecision.Core.Tests;

public class RulesetCompilerTests
{
    [Fact]
    public void Syntax_error_names_file_line_and_column()
    {
        var error = RuleFiles.SingleError("{\n  \"WorkflowName\": \"x\",\n  \"Stage\": \"approval\"\n  \"Rules\": []\n}");
        Assert.Equal("test.json", error.File);
        Assert.Contains("not valid JSON", error.Message);
        Assert.Contains("line 4", error.Message);
    }

    [Fact]
    public void Unknown_top_level_field_is_refused()
    {
        var json = RuleFiles.Approval("applicant.taxArrears > 0").Replace("\"Stage\"", "\"Stgae\": \"approval\", \"Stage\"", StringComparison.Ordinal);
        var error = RuleFiles.SingleError(json);
        Assert.Contains("Stgae", error.Message);
    }

    [Fact]
    public void Duplicate_key_is_refused()
    {
        var json = RuleFiles.Approval("applicant.taxArrears > 0").Replace("\"Stage\": \"approval\"", "\"Stage\": \"approval\", \"Stage\": \"rating\"", StringComparison.Ordinal);
        Assert.Contains("Duplicate", RuleFiles.SingleError(json).Message);
    }

    [Fact]
    public void Expression_that_does_not_compile_names_rule_and_expression()
    {
        var error = RuleFiles.SingleError(RuleFiles.Approval("applicant.noSuchField > 1"));
        Assert.Equal("test-approval", error.Ruleset);
        Assert.Equal("Probe", error.Rule);
        Assert.Equal("applicant.noSuchField > 1", error.Expression);
        Assert.Contains("does not compile", error.Message);
        Assert.Contains("noSuchField", error.Message);
    }

    [Fact]
    public void Missing_and_unknown_properties_are_each_reported()
    {
        var json = RuleFiles.Approval("applicant.taxArrears > 0").Replace("\"Effect\": \"decline\", ", "\"Efect\": \"decline\", ", StringComparison.Ordinal);
        var errors = RuleFiles.Compile(json).Errors;
        Assert.Contains(errors, e => e.Message.Contains("Properties.Effect is required", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Message.Contains("Properties.Efect is not a known field", StringComparison.Ordinal));
    }

    [Fact]
    public void Duplicate_rule_names_are_refused()
    {
        var doc = JsonDocument.Parse(RuleFiles.Approval("applicant.taxArrears > 0")).RootElement;
        var rule = doc.GetProperty("Rules")[0].GetRawText();
        var json = RuleFiles.Approval("applicant.taxArrears > 0").Replace(rule, rule + "," + rule, StringComparison.Ordinal);
        Assert.Contains("unique", RuleFiles.SingleError(json).Message);
    }

    [Fact]
    public void Parameters_are_inlined_by_name()
    {
        var result = RuleFiles.Compile(RuleFiles.Approval("applicant.taxArrears > tolerance && applicant.industry in banned", "{ \"tolerance\": 5000, \"banned\": [\"mining\"] }"));
        Assert.Empty(result.Errors);
    }

    [Fact]
    public void Parameter_named_like_an_input_is_refused()
    {
        var error = RuleFiles.SingleError(RuleFiles.Approval("applicant.taxArrears > 0", "{ \"loan\": 1 }"));
        Assert.Contains("parameter name 'loan'", error.Message);
    }

    [Theory]
    [InlineData("\"WorkflowName\": \"test-approval\"", "\"WorkflowName\": \"test-approval\\n\"", "WorkflowName is required")]
    [InlineData("\"RuleName\": \"Probe\"", "\"RuleName\": \"Probe\\n\"", "RuleName is required")]
    [InlineData("\"Parameters\": { \"tolerance\": 5000 }", "\"Parameters\": { \"tolerance\\n\": 5000 }", "parameter name 'tolerance\n' is not allowed")]
    public void A_name_ending_in_a_line_break_is_refused(string name, string withLineBreak, string reason)
    {
        var json = RuleFiles.Approval("applicant.taxArrears > 5000", "{ \"tolerance\": 5000 }");
        Assert.Empty(RuleFiles.Compile(json).Errors);

        var errors = RuleFiles.Compile(json.Replace(name, withLineBreak, StringComparison.Ordinal)).Errors;

        Assert.Contains(errors, e => e.Message.Contains(reason, StringComparison.Ordinal));
    }

    [Fact]
    public void Version_ignores_whitespace_and_key_order_but_not_content()
    {
        var compact = "{\"WorkflowName\":\"a\",\"Stage\":\"approval\",\"Rules\":[{\"RuleName\":\"R\",\"Description\":\"d\",\"Expression\":\"applicant.taxArrears > 0\",\"Properties\":{\"Effect\":\"decline\",\"ReasonCode\":\"KO_R\",\"Message\":\"m\"}}]}";
        var reordered = "{ \"Stage\": \"approval\",\n  \"Rules\": [ { \"Properties\": { \"Message\": \"m\", \"ReasonCode\": \"KO_R\", \"Effect\": \"decline\" },\n \"Expression\": \"applicant.taxArrears > 0\", \"Description\": \"d\", \"RuleName\": \"R\" } ],\n  \"WorkflowName\": \"a\" }";
        var changed = compact.Replace("> 0", "> 1", StringComparison.Ordinal);

        var version = RuleFiles.Compile(compact).Ruleset!.Version;
        Assert.Matches("^[0-9a-f]{64}$", version);
        Assert.Equal(version, RuleFiles.Compile(reordered).Ruleset!.Version);
        Assert.NotEqual(version, RuleFiles.Compile(changed).Ruleset!.Version);
    }

    [Fact]
    public void Limit_rule_without_output_is_refused()
    {
        const string json = """
            { "WorkflowName": "l", "Stage": "limit",
              "Settings": { "MinimumAmount": 1000, "BelowMinimum": { "Effect": "refer", "ReasonCode": "REF_SMALL", "Message": "m" } },
              "Rules": [
              { "RuleName": "Cap", "Description": "d", "Expression": "true", "Properties": { "Cap": "some-cap" } } ] }
            """;
        Assert.Contains("Output is required", RuleFiles.SingleError(json).Message);
    }

    [Fact]
    public void Rating_grades_must_get_worse_down_the_scale()
    {
        const string json = """
            { "WorkflowName": "r", "Stage": "rating",
              "Settings": { "BasePoints": 600, "Grades": [ { "Grade": "A", "MinScore": 600, "Pd": 0.01 }, { "Grade": "B", "MinScore": 650, "Pd": 0.02 } ] },
              "Rules": [ { "RuleName": "Young", "Description": "d", "Expression": "applicant.yearsInBusiness < 2", "Properties": { "Factor": "age", "Points": -20 } } ] }
            """;
        Assert.Contains("lower MinScore", RuleFiles.SingleError(json).Message);
    }

    [Fact]
    public void Loader_refuses_the_whole_folder_when_one_file_is_bad_and_names_it()
    {
        using var rules = RepoPaths.CopyOfRules();
        File.WriteAllText(Path.Combine(rules.Path, "pricing.json"), "[]");
        var result = RulesDirectoryLoader.Load(rules.Path, TimeProvider.System);
        Assert.Null(result.Snapshot);
        Assert.Contains(result.Errors, e => e.File.EndsWith("pricing.json", StringComparison.Ordinal));
    }

    [Fact]
    public void Loader_requires_one_ruleset_per_stage()
    {
        using var rules = RepoPaths.CopyOfRules();
        File.Delete(Path.Combine(rules.Path, "limit.json"));
        var result = RulesDirectoryLoader.Load(rules.Path, TimeProvider.System);
        Assert.Contains(result.Errors, e => e.Message.Contains("no ruleset for stage 'limit'", StringComparison.Ordinal));
    }

    [Fact]
    public void Failed_reload_keeps_the_last_good_snapshot_and_reports_why()
    {
        using var rules = RepoPaths.CopyOfRules();
        using var archive = new TempDirectory();
        var host = new RulesHost(rules.Path, new RulesetArchive(archive.Path), TimeProvider.System);
        var good = host.Reload().Active;
        Assert.NotNull(good);

        File.WriteAllText(Path.Combine(rules.Path, "approval.json"), Encoding.UTF8.GetString(File.ReadAllBytes(Path.Combine(rules.Path, "approval.json")))[..100]);
        var status = host.Reload();

        Assert.False(status.IsValid);
        Assert.Same(good, host.Current);
        Assert.Contains(status.Errors, e => e.File.EndsWith("approval.json", StringComparison.Ordinal));
    }
}
