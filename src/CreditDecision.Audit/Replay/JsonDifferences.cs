using System.Text.Json.Nodes;

namespace CreditDecision.Audit.Replay;

/// <summary>One field that differs between two JSON documents; a missing side is null.</summary>
/// <param name="Path">JSONPath of the field, e.g. <c>$.limit.approvedAmount</c> or <c>$.trace[1].rules[4].fired</c>.</param>
public sealed record JsonDifference(string Path, JsonNode? Before, JsonNode? After);

/// <summary>Field-by-field comparison of two JSON documents: objects by member name, arrays by index.</summary>
public static class JsonDifferences
{
    public static IReadOnlyList<JsonDifference> Between(JsonNode? before, JsonNode? after)
    {
        var differences = new List<JsonDifference>();
        Compare("$", before, after, differences);
        return differences;
    }

    private static void Compare(string path, JsonNode? before, JsonNode? after, List<JsonDifference> differences)
    {
        switch (before, after)
        {
            case (JsonObject a, JsonObject b):
                foreach (var name in a.Select(p => p.Key).Union(b.Select(p => p.Key)))
                {
                    Compare($"{path}.{name}", a[name], b[name], differences);
                }
                break;
            case (JsonArray a, JsonArray b):
                for (var i = 0; i < Math.Max(a.Count, b.Count); i++)
                {
                    Compare($"{path}[{i}]", i < a.Count ? a[i] : null, i < b.Count ? b[i] : null, differences);
                }
                break;
            default:
                if (!JsonNode.DeepEquals(before, after)) differences.Add(new JsonDifference(path, before?.DeepClone(), after?.DeepClone()));
                break;
        }
    }
}
