using System.Text.Json;
using Json.Schema;

namespace CreditDecision.Core.Tests;

/// <summary>
/// rules/schema as JSON Schema 2020-12, evaluated with JsonSchema.Net: every shipped file conforms, and a structural
/// error is found by the schema and the compiler alike, but only the compiler names the rule and says what to do
/// (docs/decisions/0016-rule-file-structure-checked-by-the-compiler.md).
/// </summary>
public sealed class RuleFileSchemaValidationTests
{
    private static readonly EvaluationOptions Evaluation = new() { OutputFormat = OutputFormat.List };

    private static JsonSchema Schema(string name) => JsonSchema.Build(
        JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Rules, "schema", name))).RootElement,
        new BuildOptions { SchemaRegistry = new SchemaRegistry(), Dialect = Dialect.Draft202012 });

    private static IReadOnlyList<string> Errors(JsonSchema schema, string json)
    {
        using var document = JsonDocument.Parse(json);
        var results = schema.Evaluate(document.RootElement, Evaluation);
        return results.IsValid
            ? []
            : [.. (results.Details ?? []).Where(d => d.Errors is { Count: > 0 }).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"))];
    }

    [Fact]
    public void Every_shipped_rule_and_cases_file_is_valid_against_its_schema()
    {
        var (rulesets, cases) = (Schema("ruleset.schema.json"), Schema("cases.schema.json"));
        var files = Directory.EnumerateFiles(RepoPaths.Rules, "*.json").ToList();
        Assert.Contains(files, file => file.EndsWith(".cases.json", StringComparison.Ordinal));

        foreach (var file in files)
        {
            var errors = Errors(file.EndsWith(".cases.json", StringComparison.Ordinal) ? cases : rulesets, File.ReadAllText(file));
            Assert.True(errors.Count == 0, $"{Path.GetFileName(file)}: {string.Join("; ", errors)}");
        }
    }

    [Fact]
    public void A_misspelt_rule_property_is_refused_by_both_but_named_by_rule_only_in_the_compiler()
    {
        var json = RuleFiles.Approval("applicant.taxArrears > 0").Replace("\"Effect\": \"decline\", ", "\"Efect\": \"decline\", ", StringComparison.Ordinal);

        var schemaErrors = Errors(Schema("ruleset.schema.json"), json);
        Assert.NotEmpty(schemaErrors);
        Assert.Contains(schemaErrors, error => error.StartsWith("/Rules/0/Properties", StringComparison.Ordinal));
        Assert.DoesNotContain(schemaErrors, error => error.Contains("Probe", StringComparison.Ordinal));

        var compilerErrors = RuleFiles.Compile(json).Errors;
        Assert.Contains(compilerErrors, e => e.Rule is not null && e.Message.Contains("Properties.Efect is not a known field", StringComparison.Ordinal));
    }
}
