using System.Text.Json;

namespace CreditDecision.Api.WebConsole;

/// <summary>One rule of a ruleset file as policy staff read it.</summary>
public sealed record RuleRow(string Name, string? Description, string Expression, string? ReasonCode, bool Enabled);

/// <summary>The rules of a ruleset file (live or archived), disabled ones included, in file order.</summary>
public static class RuleTable
{
    public static IReadOnlyList<RuleRow> Of(ReadOnlySpan<byte> content)
    {
        using var document = JsonDocument.Parse(content.ToArray());
        if (!document.RootElement.TryGetProperty("Rules", out var rules) || rules.ValueKind != JsonValueKind.Array) return [];
        return [.. rules.EnumerateArray().Select(rule => new RuleRow(
            Text(rule, "RuleName") ?? "?",
            Text(rule, "Description"),
            Text(rule, "Expression") ?? "",
            rule.TryGetProperty("Properties", out var properties) ? Text(properties, "ReasonCode") ?? Text(properties, "Code") : null,
            !rule.TryGetProperty("Enabled", out var enabled) || enabled.ValueKind != JsonValueKind.False))];
    }

    private static string? Text(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
