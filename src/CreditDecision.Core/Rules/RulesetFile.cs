using System.Text.Json;
using System.Text.Json.Serialization;

namespace CreditDecision.Core.Rules;

/// <summary>
/// A rule file as policy staff write it: a Microsoft RulesEngine workflow (<c>WorkflowName</c>, <c>Rules</c> with
/// <c>RuleName</c>, <c>Expression</c>, <c>Enabled</c>, <c>Properties</c>) plus the metadata and named parameters
/// CreditDecision needs. Keys are case-sensitive, as in RulesEngine; unknown keys are errors.
/// </summary>
public sealed record RulesetFile
{
    [JsonPropertyName("$schema")] public string? Schema { get; init; }
    public string? WorkflowName { get; init; }
    public string? Stage { get; init; }
    public string? Label { get; init; }
    public DateOnly? EffectiveDate { get; init; }
    public string? Description { get; init; }

    /// <summary>Named policy values (numbers, text, yes/no, or lists of text) that expressions refer to by name.</summary>
    public Dictionary<string, JsonElement>? Parameters { get; init; }

    /// <summary>Stage-wide settings, e.g. the rating scale of the rating stage.</summary>
    public JsonElement? Settings { get; init; }

    public List<RuleDefinition>? Rules { get; init; }
}

/// <summary>One rule of a rule file.</summary>
public sealed record RuleDefinition
{
    public string? RuleName { get; init; }
    public string? Description { get; init; }
    public string? Expression { get; init; }
    public bool Enabled { get; init; } = true;

    /// <summary>Value the rule produces when it fires (a cap, a rate, ...), for stages that use one.</summary>
    public string? Output { get; init; }

    /// <summary>Stage-specific fields: points, reason codes, levels and the like.</summary>
    public Dictionary<string, JsonElement>? Properties { get; init; }
}
