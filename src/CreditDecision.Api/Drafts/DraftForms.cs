using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CreditDecision.Api.Drafts;

/// <summary>One parameter of a ruleset as the console's form shows it.</summary>
/// <param name="Kind">number, date, text, yes-no or list.</param>
/// <param name="Value">The value as the field holds it (a list's items joined by commas).</param>
/// <param name="Items">A list's items, shown as chips.</param>
/// <param name="Unit">What a number counts, read from the parameter's name; empty when it says nothing.</param>
public sealed record ParameterField(string Name, string Kind, string Value, IReadOnlyList<string> Items, string Unit);

/// <summary>One rule as the console's form shows it.</summary>
public sealed record RuleField(string Name, string Expression, string Description, bool Enabled);

/// <summary>
/// The console's forms over a ruleset file: its parameters, typed, and its rules' expression, description and enabled
/// flag. Each change is made on the file's JSON, everything else kept, and saved as the draft's next version.
/// </summary>
public static class DraftForms
{
    public const string Number = "number";
    public const string Date = "date";
    public const string Text = "text";
    public const string YesNo = "yes-no";
    public const string List = "list";

    private static readonly JsonSerializerOptions Written = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The file as a ruleset (a JSON object with Rules), or null for a cases file or anything else.</summary>
    public static JsonObject? Ruleset(byte[] content)
    {
        try
        {
            return JsonNode.Parse(content) is JsonObject file && file["Rules"] is JsonArray ? file : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static IReadOnlyList<ParameterField> Parameters(JsonObject ruleset) =>
        ruleset["Parameters"] is JsonObject parameters ? [.. parameters.Select(p => Field(p.Key, p.Value))] : [];

    public static IReadOnlyList<RuleField> Rules(JsonObject ruleset) =>
        ruleset["Rules"] is JsonArray rules
            ? [.. rules.OfType<JsonObject>().Select(rule => new RuleField(
                StringOf(rule["RuleName"]), StringOf(rule["Expression"]), StringOf(rule["Description"]), rule["Enabled"]?.GetValueKind() != JsonValueKind.False))]
            : [];

    /// <summary>The file with its parameters set from the form's values, each read as the kind it already is; or the fields that could not be read.</summary>
    /// <param name="values">Parameter name to the field's text; a yes-no parameter missing from the form is no.</param>
    public static (byte[]? Content, Dictionary<string, string> Errors) WithParameters(JsonObject ruleset, IReadOnlyDictionary<string, string> values)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        var edited = ruleset.DeepClone().AsObject();
        if (edited["Parameters"] is not JsonObject parameters) return (null, new() { [""] = "the ruleset has no parameters" });
        foreach (var field in Parameters(ruleset))
        {
            var text = values.TryGetValue(field.Name, out var given) ? given.Trim() : null;
            switch (field.Kind)
            {
                case Number when decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var number):
                    parameters[field.Name] = JsonValue.Create(number);
                    break;
                case Number:
                    errors[field.Name] = "must be a number, such as 0.25 or 1500000";
                    break;
                case Date when DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date):
                    parameters[field.Name] = date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                    break;
                case Date:
                    errors[field.Name] = "must be a date (yyyy-mm-dd)";
                    break;
                case YesNo:
                    parameters[field.Name] = text is "true" or "on";
                    break;
                case List:
                    parameters[field.Name] = new JsonArray([.. (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                        .Select(item => (JsonNode?)JsonValue.Create(item))]);
                    break;
                default:
                    parameters[field.Name] = text ?? "";
                    break;
            }
        }
        return errors.Count > 0 ? (null, errors) : (Bytes(edited), errors);
    }

    /// <summary>The file with one rule's expression, description and enabled flag replaced; null when it has no such rule.</summary>
    public static byte[]? WithRule(JsonObject ruleset, string ruleName, string expression, string description, bool enabled)
    {
        var edited = ruleset.DeepClone().AsObject();
        if (edited["Rules"] is not JsonArray rules || rules.OfType<JsonObject>().FirstOrDefault(r => StringOf(r["RuleName"]) == ruleName) is not { } rule) return null;
        rule["Expression"] = expression;
        rule["Description"] = description;
        rule["Enabled"] = enabled;
        return Bytes(edited);
    }

    /// <summary>What a number counts, read from the parameter's name (the rule format has no unit of its own).</summary>
    public static string UnitOf(string name)
    {
        bool Has(params string[] words) => words.Any(w => name.Contains(w, StringComparison.OrdinalIgnoreCase));
        return name switch
        {
            _ when Has("Score") => "points",
            _ when Has("Dpd", "Days") => "days",
            _ when Has("Months") => "months",
            _ when Has("years") => "years",
            _ when Has("Dscr", "currentRatio") => "times",
            _ when Has("Share", "Rate", "Leverage", "Lpr", "Spread", "Premium", "Discount", "Lgd", "Weight", "Utilisation", "ToValue", "Decline",
                "growth", "margin", "Coverage", "Ratio", "Cost", "ToEquity", "Watch") => "fraction (0.25 = 25 %)",
            _ when Has("Count", "Disputes", "Instalments", "Cases", "Level", "legal", "overdue") => "count",
            _ when Has("Rank") => "grade rank",
            _ when Has("Amount", "Maximum", "Ceiling", "Limit", "Automatic", "Officer", "Committee", "Tolerance", "Exposure", "revenue", "Ebitda", "Equity") => "CNY",
            _ => "",
        };
    }

    private static ParameterField Field(string name, JsonNode? value) => value?.GetValueKind() switch
    {
        JsonValueKind.Number => new(name, Number, value.ToJsonString(), [], UnitOf(name)),
        JsonValueKind.True or JsonValueKind.False => new(name, YesNo, value.GetValue<bool>() ? "true" : "false", [], ""),
        JsonValueKind.Array => new(name, List, string.Join(", ", value.AsArray().Select(StringOf)), [.. value.AsArray().Select(StringOf)], ""),
        JsonValueKind.String when DateOnly.TryParseExact(value.GetValue<string>(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _) =>
            new(name, Date, value.GetValue<string>(), [], ""),
        _ => new(name, Text, StringOf(value), [], ""),
    };

    private static string StringOf(JsonNode? node) => node?.GetValueKind() == JsonValueKind.String ? node.GetValue<string>() : node?.ToJsonString() ?? "";

    private static byte[] Bytes(JsonObject file) => System.Text.Encoding.UTF8.GetBytes(file.ToJsonString(Written) + "\n");
}
