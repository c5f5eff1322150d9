using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using CreditDecision.Core.Contracts;
using CreditDecision.Core.Rules;

namespace CreditDecision.Core.Tests;

/// <summary>
/// The JSON schema in rules/schema guides editors; the compiler enforces the same contract with precise messages.
/// These tests keep the two from drifting apart.
/// </summary>
public class RulesetSchemaTests
{
    private static readonly JsonElement Schema =
        JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Rules, "schema", "ruleset.schema.json"))).RootElement;

    private static string[] Enum(JsonElement element) => [.. element.GetProperty("enum").EnumerateArray().Select(v => v.GetString()!).Order()];

    private static JsonElement Definition(string name) => Schema.GetProperty("$defs").GetProperty(name);

    [Fact]
    public void Every_shipped_rule_file_references_the_schema()
    {
        foreach (var path in RulesDirectoryLoader.RuleFiles(RepoPaths.Rules))
        {
            var root = JsonDocument.Parse(File.ReadAllText(path)).RootElement;
            Assert.Equal("./schema/ruleset.schema.json", root.GetProperty("$schema").GetString());
        }
    }

    [Fact]
    public void Top_level_fields_match_the_rule_file_model()
    {
        var model = typeof(RulesetFile).GetProperties().Select(p => p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? p.Name).Order();
        Assert.Equal(model, Schema.GetProperty("properties").EnumerateObject().Select(p => p.Name).Order());
    }

    [Fact]
    public void Stage_names_match()
    {
        Assert.Equal(Enum<Stage>().Select(s => s.WireName()).Order(), Enum(Schema.GetProperty("properties").GetProperty("Stage")));
    }

    [Fact]
    public void Pricing_measures_warning_levels_and_effects_match()
    {
        Assert.Equal(Kebab(Enum<PricingMeasure>().Where(m => m != PricingMeasure.None)), Enum(Definition("pricingProperties").GetProperty("properties").GetProperty("Sets")));
        Assert.Equal(Kebab(Enum<WarningLevel>().Where(l => l != WarningLevel.Green)), Enum(Definition("earlyWarningProperties").GetProperty("properties").GetProperty("Level")));
        Assert.Equal(["decline", "refer"], Enum(Definition("approvalProperties").GetProperty("properties").GetProperty("Effect")));
    }

    [Fact]
    public void Monitoring_actions_warning_levels_downgrades_and_classifications_match()
    {
        var kinds = Definition("monitoringProperties").GetProperty("oneOf");
        var signal = kinds[0].GetProperty("properties");
        Assert.Equal(Kebab(Enum<RecoveryAction>().Where(a => a != RecoveryAction.None)), Enum(signal.GetProperty("Action")));
        Assert.Equal(Kebab(Enum<WarningLevel>().Where(l => l != WarningLevel.Green)), Enum(signal.GetProperty("Level")));
        Assert.Equal(RuleSpecReader.MaxDowngrade, signal.GetProperty("Downgrade").GetProperty("maximum").GetInt32());
        var assessment = kinds[1].GetProperty("properties");
        Assert.Equal(Kebab(Enum<LoanClassification>().Where(c => c != LoanClassification.Normal)), Enum(assessment.GetProperty("Classification")));
    }

    [Fact]
    public void Reserved_parameter_names_match()
    {
        var schemaNames = Schema.GetProperty("properties").GetProperty("Parameters").GetProperty("propertyNames").GetProperty("not").GetProperty("enum")
            .EnumerateArray().Select(v => v.GetString()!).Order(StringComparer.OrdinalIgnoreCase);
        Assert.Equal(RulesetCompiler.ReservedNames.Order(StringComparer.OrdinalIgnoreCase), schemaNames);
    }

    private static IEnumerable<string> Kebab<T>(IEnumerable<T> values) where T : struct, System.Enum =>
        values.Select(v => JsonNamingPolicy.KebabCaseLower.ConvertName(v.ToString())).Order();

    private static T[] Enum<T>() where T : struct, System.Enum => System.Enum.GetValues<T>();
}
