using System.Runtime.CompilerServices;
using System.Text.Json;
using CreditDecision.Core.Contracts;
using CreditDecision.Core.Rules;

namespace CreditDecision.Audit.Log;

/// <summary>The ruleset versions of a snapshot as the log stores them: the same JSON as a response's <c>rulesets</c>.</summary>
public static class RulesetVersionsJson
{
    private static readonly ConditionalWeakTable<RulesetSnapshot, string> OfSnapshots = [];

    /// <summary>Made once per snapshot: every record made with it carries the same text.</summary>
    public static string Of(RulesetSnapshot snapshot) =>
        OfSnapshots.GetValue(snapshot, static snapshot => JsonSerializer.Serialize(snapshot.AllVersionRefs, ContractJson.Options));

    public static IReadOnlyList<RulesetVersionRef> Parse(string json) =>
        JsonSerializer.Deserialize<RulesetVersionRef[]>(json, ContractJson.Options) ?? [];
}
