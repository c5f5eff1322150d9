using System.Text.Json;
using CreditDecision.Core.Contracts;
using CreditDecision.Core.Rules;

namespace CreditDecision.Audit.Log;

/// <summary>The ruleset versions of a snapshot as the log stores them: the same JSON as a response's <c>rulesets</c>.</summary>
public static class RulesetVersionsJson
{
    public static string Of(RulesetSnapshot snapshot) => JsonSerializer.Serialize(snapshot.AllVersionRefs, ContractJson.Options);

    public static IReadOnlyList<RulesetVersionRef> Parse(string json) =>
        JsonSerializer.Deserialize<RulesetVersionRef[]>(json, ContractJson.Options) ?? [];
}
