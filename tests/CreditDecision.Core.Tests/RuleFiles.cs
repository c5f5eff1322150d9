using System.Text;
using System.Text.Json.Nodes;
using CreditDecision.Core.Rules;

namespace CreditDecision.Core.Tests;

/// <summary>Small rule files for compiler tests, built from JSON fragments.</summary>
public static class RuleFiles
{
    public static string Approval(string expression, string? parameters = null) => $$"""
        {
          "WorkflowName": "test-approval",
          "Stage": "approval",
          {{(parameters is null ? "" : $"\"Parameters\": {parameters},")}}
          "Rules": [
            {
              "RuleName": "Probe",
              "Description": "A rule under test.",
              "Expression": {{JsonValue.Create(expression)!.ToJsonString()}},
              "Properties": { "Effect": "decline", "ReasonCode": "KO_PROBE", "Message": "Probe fired." }
            }
          ]
        }
        """;

    /// <summary>An approval ruleset with one referral rule per expression, named R1, R2, and so on.</summary>
    public static string Approval(IEnumerable<string> expressions)
    {
        var rules = expressions.Select((expression, i) =>
            $$"""{ "RuleName": "R{{i + 1}}", "Description": "d", "Expression": {{JsonValue.Create(expression)!.ToJsonString()}}, "Properties": { "Effect": "refer", "ReasonCode": "REF_R", "Message": "m" } }""");
        return $$"""{ "WorkflowName": "many-rules", "Stage": "approval", "Rules": [{{string.Join(",", rules)}}] }""";
    }

    /// <summary>A limit ruleset whose one cap computes <paramref name="output"/>.</summary>
    public static string Limit(string output) => $$"""
        {
          "WorkflowName": "test-limit",
          "Stage": "limit",
          "Settings": {
            "RoundDownTo": 10000,
            "MinimumAmount": 50000,
            "BelowMinimum": { "Effect": "refer", "ReasonCode": "REF_PROBE", "Message": "Probe." }
          },
          "Rules": [
            {
              "RuleName": "ProbeCap",
              "Description": "A cap under test.",
              "Expression": "true",
              "Properties": { "Cap": "probe" },
              "Output": {{JsonValue.Create(output)!.ToJsonString()}}
            }
          ]
        }
        """;

    public static CompilationResult Compile(string json, string path = "test.json") =>
        RulesetCompiler.Compile(path, Encoding.UTF8.GetBytes(json));

    public static RuleError SingleError(string json)
    {
        var result = Compile(json);
        Assert.Null(result.Ruleset);
        return Assert.Single(result.Errors);
    }
}
