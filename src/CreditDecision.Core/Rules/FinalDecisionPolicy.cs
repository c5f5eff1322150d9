using System.Collections.Immutable;
using System.Text.Json;

namespace CreditDecision.Core.Rules;

/// <summary>
/// What a credit officer may record as a final decision, from the authority ruleset's <c>Settings.FinalDecisions</c>:
/// the conditions an approval may carry and the reasons that may override the engine.
/// </summary>
public sealed record FinalDecisionPolicy(ImmutableArray<PolicyCode> Conditions, ImmutableArray<OverrideReason> OverrideReasons)
{
    public bool HasCondition(string code) => Conditions.Any(condition => condition.Code == code);

    public OverrideReason? Reason(string code) => OverrideReasons.FirstOrDefault(reason => reason.Code == code);
}

/// <summary>A code with the text that explains it.</summary>
public sealed record PolicyCode(string Code, string Description);

/// <summary>A reason a credit officer may give for overriding the engine.</summary>
/// <param name="KnockOuts">The engine's knock-out reason codes this reason may override by approving; empty: none.</param>
/// <param name="AboveLimit">Whether it allows an amount above the engine's limit.</param>
/// <param name="MinimumLevel">The approval level an officer needs to give it, when more than the decision's own; null otherwise.</param>
public sealed record OverrideReason(string Code, string Description, ImmutableArray<string> KnockOuts, bool AboveLimit, string? MinimumLevel);

internal static class FinalDecisionPolicyReader
{
    private const string Scope = "Settings.FinalDecisions";

    public static FinalDecisionPolicy? Read(JsonElement element, ImmutableArray<string> levels, Action<string> error)
    {
        var reader = Object(element, Scope, error);
        reader.Text("Description");
        var conditions = Items(reader.Raw("Conditions"), $"{Scope}.Conditions", error)
            .Select(item => ReadCondition(item.Element, item.Scope, error)).ToList();
        var reasons = Items(reader.Raw("OverrideReasons"), $"{Scope}.OverrideReasons", error)
            .Select(item => ReadReason(item.Element, item.Scope, levels, error)).ToList();
        if (!reader.Finish() || conditions.Contains(null) || reasons.Contains(null)) return null;
        foreach (var code in conditions.Select(c => c!.Code).Concat(reasons.Select(r => r!.Code)).GroupBy(c => c).Where(g => g.Count() > 1))
        {
            error($"{Scope}: the code {code.Key} is given twice");
            return null;
        }
        return new FinalDecisionPolicy([.. conditions!], [.. reasons!]);
    }

    private static PolicyCode? ReadCondition(JsonElement element, string scope, Action<string> error)
    {
        var reader = Object(element, scope, error);
        var code = reader.Code("Code");
        var description = reader.Text("Description");
        return reader.Finish() ? new PolicyCode(code!, description!) : null;
    }

    private static OverrideReason? ReadReason(JsonElement element, string scope, ImmutableArray<string> levels, Action<string> error)
    {
        var reader = Object(element, scope, error);
        var code = reader.Code("Code");
        var description = reader.Text("Description");
        var knockOuts = reader.Raw("KnockOuts") is { ValueKind: JsonValueKind.Array } list
            && list.EnumerateArray().All(item => item.ValueKind == JsonValueKind.String && item.GetString()!.StartsWith("KO_", StringComparison.Ordinal))
            ? [.. list.EnumerateArray().Select(item => item.GetString()!)]
            : (ImmutableArray<string>?)null;
        if (knockOuts is null) error($"{scope}.KnockOuts must be a list of knock-out reason codes (KO_...), empty when the reason overrides none");
        var aboveLimit = reader.Raw("AboveLimit") is { } flag && flag.ValueKind is JsonValueKind.True or JsonValueKind.False ? flag.GetBoolean() : (bool?)null;
        if (aboveLimit is null) error($"{scope}.AboveLimit must be true or false");
        var minimum = reader.Optional("MinimumLevel") is { } level ? level.GetString() : null;
        if (minimum is not null && !levels.Contains(minimum)) error($"{scope}.MinimumLevel '{minimum}' is not one of Settings.Levels: {string.Join(", ", levels)}");
        var valid = reader.Finish() && knockOuts is not null && aboveLimit is not null && (minimum is null || levels.Contains(minimum));
        return valid ? new OverrideReason(code!, description!, knockOuts!.Value, aboveLimit!.Value, minimum) : null;
    }

    private static IEnumerable<(JsonElement Element, string Scope)> Items(JsonElement? element, string scope, Action<string> error)
    {
        if (element is not { ValueKind: JsonValueKind.Array } array || array.GetArrayLength() == 0)
        {
            if (element is not null) error($"{scope} must be a list of at least one entry");
            return [];
        }
        return array.EnumerateArray().Select((item, i) => (item, $"{scope}[{i}]"));
    }

    private static PropertyReader Object(JsonElement element, string scope, Action<string> error)
    {
        if (element.ValueKind != JsonValueKind.Object) error($"{scope} must be an object");
        var fields = element.ValueKind == JsonValueKind.Object ? element.EnumerateObject().ToDictionary(p => p.Name, p => p.Value) : [];
        return new PropertyReader(fields, scope, error);
    }
}
