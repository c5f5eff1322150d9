using System.Text.Json.Nodes;

namespace CreditDecision.Testing;

/// <summary>Edits of rule files in a test's own copy of the rules folder.</summary>
public static class FileEdit
{
    /// <summary>Replaces text in a file, failing the test if the text is not there (so an edit can never silently do nothing).</summary>
    public static void Replace(string path, string from, string to)
    {
        var text = File.ReadAllText(path);
        Assert.Contains(from, text);
        File.WriteAllText(path, text.Replace(from, to, StringComparison.Ordinal));
    }

    /// <summary>Puts a rule first in a rule file: a condition with its stage's properties, and an output where the stage needs one.</summary>
    public static void InsertRule(string path, string name, string expression, JsonObject properties, string? output = null)
    {
        var file = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        var rule = new JsonObject
        {
            ["RuleName"] = name,
            ["Description"] = "A rule under test.",
            ["Expression"] = expression,
            ["Properties"] = properties,
        };
        if (output is not null) rule["Output"] = output;
        file["Rules"]!.AsArray().Insert(0, rule);
        File.WriteAllText(path, file.ToJsonString());
    }

    /// <summary>Appends a case to a cases file: the fields it changes in the file's base and what it expects.</summary>
    public static void AddCase(string path, string name, JsonObject changes, JsonObject expect)
    {
        var file = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        file["Cases"]!.AsArray().Add(new JsonObject { ["Name"] = name, ["Changes"] = changes, ["Expect"] = expect });
        File.WriteAllText(path, file.ToJsonString());
    }

    /// <summary>The properties of an approval rule that refers, with the words for customers every shipped reason has.</summary>
    public static JsonObject Referral(string code = "REF_PROBE") => new()
    {
        ["Effect"] = "refer", ["ReasonCode"] = code, ["Message"] = "Probe fired.",
        ["CustomerText"] = new JsonObject { ["En"] = "A probe fired.", ["ZhHans"] = "探测规则触发。" },
    };
}
