using System.Text.Json;

namespace CreditDecision.Core.Rules;

/// <summary>What changed between two rules folders, per ruleset: rules added, removed or changed, parameters and settings.</summary>
public static class RulesetDiff
{
    public static IReadOnlyList<RulesetChange> Compare(string before, string after)
    {
        var old = ReadFolder(before);
        var @new = ReadFolder(after);
        return [.. old.Keys.Union(@new.Keys).Order(StringComparer.Ordinal)
            .Select(name => Change(name, old.TryGetValue(name, out var a) ? a : null, @new.TryGetValue(name, out var b) ? b : null))
            .Where(change => change.VersionBefore != change.VersionAfter)];
    }

    /// <summary>What changed between two versions of one ruleset, given as file contents.</summary>
    public static RulesetChange Compare(string name, byte[] before, byte[] after)
    {
        using var a = JsonDocument.Parse(before);
        using var b = JsonDocument.Parse(after);
        return Change(name, a.RootElement, b.RootElement);
    }

    private static RulesetChange Change(string name, JsonElement? a, JsonElement? b)
    {
        var lines = new List<string>();
        if (a is null) lines.Add("ruleset added");
        else if (b is null) lines.Add("ruleset removed");
        else
        {
            CompareMembers(lines, "parameter", Members(a.Value, "Parameters"), Members(b.Value, "Parameters"));
            CompareMembers(lines, "rule", Rules(a.Value), Rules(b.Value));
            foreach (var field in new[] { "Stage", "Label", "EffectiveDate", "Description", "Settings" })
            {
                var x = Canonical(a.Value, field);
                var y = Canonical(b.Value, field);
                if (x != y) lines.Add($"{field} changed: {x ?? "(none)"} -> {y ?? "(none)"}");
            }
        }
        return new RulesetChange(name, a is null ? null : CanonicalJson.Sha256(a.Value), b is null ? null : CanonicalJson.Sha256(b.Value), lines);
    }

    private static void CompareMembers(List<string> lines, string kind, Dictionary<string, string> before, Dictionary<string, string> after)
    {
        foreach (var key in before.Keys.Union(after.Keys).Order(StringComparer.Ordinal))
        {
            var inBefore = before.TryGetValue(key, out var x);
            var inAfter = after.TryGetValue(key, out var y);
            if (!inBefore) lines.Add($"{kind} added: {key} = {y}");
            else if (!inAfter) lines.Add($"{kind} removed: {key}");
            else if (x != y) lines.Add($"{kind} changed: {key}: {x} -> {y}");
        }
    }

    private static Dictionary<string, JsonElement> ReadFolder(string directory)
    {
        var rulesets = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var path in RulesDirectoryLoader.RuleFiles(directory))
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            var root = document.RootElement.Clone();
            var name = root.TryGetProperty("WorkflowName", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : Path.GetFileName(path);
            rulesets[name] = root;
        }
        return rulesets;
    }

    private static Dictionary<string, string> Members(JsonElement root, string property) =>
        root.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Object
            ? value.EnumerateObject().ToDictionary(p => p.Name, p => Text(p.Value), StringComparer.Ordinal)
            : [];

    private static Dictionary<string, string> Rules(JsonElement root)
    {
        var rules = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!root.TryGetProperty("Rules", out var array) || array.ValueKind != JsonValueKind.Array) return rules;
        foreach (var rule in array.EnumerateArray())
        {
            var name = rule.TryGetProperty("RuleName", out var n) ? n.GetString() ?? "?" : "?";
            rules[name] = Text(rule);
        }
        return rules;
    }

    private static string? Canonical(JsonElement root, string property) =>
        root.TryGetProperty(property, out var value) ? Text(value) : null;

    private static string Text(JsonElement value) => System.Text.Encoding.UTF8.GetString(CanonicalJson.Canonicalize(value));
}

/// <summary>The changes to one ruleset; a null version means the ruleset is absent on that side.</summary>
public sealed record RulesetChange(string Ruleset, string? VersionBefore, string? VersionAfter, IReadOnlyList<string> Changes);
