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

/// <summary>One bin of a scorecard factor: the rule that scores it and its points.</summary>
public sealed record ScorecardBin(string Factor, string Rule, string Expression, string Points);

/// <summary>One grade of the master scale: the lowest score it takes (none for the last scored grade and default) and its PD.</summary>
public sealed record ScaleGrade(string Grade, string MinScore, string Pd, bool Default);

/// <summary>One rule as the console's form shows it.</summary>
public sealed record RuleField(string Name, string Expression, string Description, bool Enabled);

/// <summary>A property every rule of a stage carries, as the form to add a rule asks for it; a dotted name is a field of a nested object.</summary>
/// <param name="Kind">text, number, or choice (one of <paramref name="Choices"/>).</param>
public sealed record PropertyField(string Name, string Kind, IReadOnlyList<string> Choices);

/// <summary>A rule to add to a ruleset, as the form or the API gives it.</summary>
/// <param name="Output">The value the rule produces: required in the limit and pricing stages, not allowed elsewhere.</param>
/// <param name="Properties">The stage's fields of the rule (<see cref="DraftForms.PropertiesOf"/>).</param>
public sealed record NewRule(string Name, string Expression, string Description, bool Enabled, string? Output, JsonObject Properties);

/// <summary>
/// The console's forms over a ruleset file, and the API's rule edits: its parameters, typed, its rules' expression,
/// description and enabled flag, rules added and removed, the scorecard and the master scale. Each change is made on the
/// file's JSON, everything else kept, and saved as the draft's next version.
/// </summary>
public static class DraftForms
{
    public const string Number = "number";
    public const string Date = "date";
    public const string Text = "text";
    public const string YesNo = "yes-no";
    public const string List = "list";
    public const string Choice = "choice";

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

    /// <summary>The ruleset's stage (approval, rating, ...), empty when it names none.</summary>
    public static string StageOf(JsonObject ruleset) => StringOf(ruleset["Stage"]);

    /// <summary>
    /// The properties a new rule of the stage takes as fields of their own; empty for the stages whose properties vary from
    /// rule to rule (limit, pricing, monitoring), which take them as one JSON object.
    /// </summary>
    public static IReadOnlyList<PropertyField> PropertiesOf(string stage) => stage switch
    {
        "approval" =>
        [
            new("Effect", Choice, ["decline", "refer"]), new("ReasonCode", Text, []), new("Message", Text, []),
            new("CustomerText.En", Text, []), new("CustomerText.ZhHans", Text, []),
        ],
        "rating" => [new("Factor", Text, []), new("Points", Number, [])],
        "early-warning" => [new("Code", Text, []), new("Level", Choice, ["yellow", "orange", "red"]), new("Message", Text, [])],
        "authority" => [new("Level", Text, [])],
        _ => [],
    };

    /// <summary>Whether the stage's rules produce a value (Output).</summary>
    public static bool HasOutput(string stage) => stage is "limit" or "pricing";

    /// <summary>
    /// A new rule's properties from the form: the stage's own fields, or for the other stages the JSON object typed in
    /// <paramref name="json"/>; or the fields that could not be read. A blank field is left out, for the checks to name.
    /// </summary>
    public static (JsonObject? Properties, Dictionary<string, string> Errors) PropertiesFrom(
        string stage, IReadOnlyDictionary<string, string> fields, string? json)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        var wanted = PropertiesOf(stage);
        if (wanted.Count == 0)
        {
            try
            {
                return JsonNode.Parse(string.IsNullOrWhiteSpace(json) ? "{}" : json) is JsonObject typed
                    ? (typed, errors)
                    : (null, new() { ["Properties"] = "must be a JSON object, such as {\"Cap\": \"product-maximum\"}" });
            }
            catch (JsonException ex)
            {
                return (null, new() { ["Properties"] = $"is not JSON: {ex.Message}" });
            }
        }
        var properties = new JsonObject();
        foreach (var field in wanted)
        {
            var text = fields.TryGetValue(field.Name, out var given) ? given.Trim() : "";
            if (text.Length == 0) continue;
            if (field.Kind != Number) Set(properties, field.Name, JsonValue.Create(text));
            else if (decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var number)) Set(properties, field.Name, JsonValue.Create(number));
            else errors[field.Name] = "must be a number, such as -15 or 20";
        }
        return errors.Count > 0 ? (null, errors) : (properties, errors);
    }

    /// <summary>Sets a property; a dotted name (<c>CustomerText.En</c>) sets a field of a nested object.</summary>
    private static void Set(JsonObject properties, string name, JsonNode value)
    {
        var dot = name.IndexOf('.', StringComparison.Ordinal);
        if (dot < 0)
        {
            properties[name] = value;
            return;
        }
        if (properties[name[..dot]] is not JsonObject nested) properties[name[..dot]] = nested = [];
        nested[name[(dot + 1)..]] = value;
    }

    /// <summary>The file with the rule added after the last one; whether it is a valid rule is for the checks every save passes.</summary>
    public static byte[] WithAddedRule(JsonObject ruleset, NewRule rule)
    {
        var edited = ruleset.DeepClone().AsObject();
        var added = new JsonObject { ["RuleName"] = rule.Name.Trim(), ["Description"] = rule.Description.Trim(), ["Expression"] = rule.Expression.Trim() };
        // The shipped files leave Enabled out for a rule that is on: a new rule is written the same way.
        if (!rule.Enabled) added["Enabled"] = false;
        added["Properties"] = rule.Properties.DeepClone();
        if (!string.IsNullOrWhiteSpace(rule.Output)) added["Output"] = rule.Output.Trim();
        edited["Rules"]!.AsArray().Add(added);
        return Bytes(edited);
    }

    /// <summary>The file without the rule; null when it has no such rule.</summary>
    public static byte[]? WithoutRule(JsonObject ruleset, string ruleName)
    {
        var edited = ruleset.DeepClone().AsObject();
        var rules = edited["Rules"]!.AsArray();
        if (rules.OfType<JsonObject>().FirstOrDefault(r => StringOf(r["RuleName"]) == ruleName) is not { } rule) return null;
        rules.Remove(rule);
        return Bytes(edited);
    }

    /// <summary>
    /// The file's JSON laid out as the forms write it, so that two files compared line by line differ only where their
    /// content does (a form's save lays out the whole file anew); the text as it is when it is not JSON.
    /// </summary>
    public static string LaidOut(byte[] content)
    {
        try
        {
            return JsonNode.Parse(content) is { } json ? json.ToJsonString(Written) + "\n" : "";
        }
        catch (JsonException)
        {
            return System.Text.Encoding.UTF8.GetString(content);
        }
    }

    /// <summary>The scorecard: every rule with a Factor and Points, in file order.</summary>
    public static IReadOnlyList<ScorecardBin> Scorecard(JsonObject ruleset) =>
        ruleset["Rules"] is JsonArray rules
            ? [.. rules.OfType<JsonObject>()
                .Where(rule => rule["Properties"] is JsonObject { } properties && properties["Factor"] is not null && properties["Points"] is not null)
                .Select(rule => new ScorecardBin(StringOf(rule["Properties"]!["Factor"]), StringOf(rule["RuleName"]), StringOf(rule["Expression"]),
                    StringOf(rule["Properties"]!["Points"])))]
            : [];

    /// <summary>The master scale: Settings.Grades, best grade first.</summary>
    public static IReadOnlyList<ScaleGrade> Scale(JsonObject ruleset) =>
        ruleset["Settings"]?["Grades"] is JsonArray grades
            ? [.. grades.OfType<JsonObject>().Select(grade => new ScaleGrade(StringOf(grade["Grade"]),
                grade["MinScore"] is { } min ? StringOf(min) : "", StringOf(grade["Pd"]), grade["Default"]?.GetValueKind() == JsonValueKind.True))]
            : [];

    /// <summary>The file with the points of the scorecard's bins set from the form; or the bins whose points are not a number.</summary>
    public static (byte[]? Content, Dictionary<string, string> Errors) WithScorecard(JsonObject ruleset, IReadOnlyDictionary<string, string> points)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        var edited = ruleset.DeepClone().AsObject();
        foreach (var rule in edited["Rules"]!.AsArray().OfType<JsonObject>())
        {
            var name = StringOf(rule["RuleName"]);
            if (rule["Properties"] is not JsonObject properties || properties["Points"] is null || !points.TryGetValue(name, out var text)) continue;
            if (decimal.TryParse(text.Trim(), NumberStyles.Number, CultureInfo.InvariantCulture, out var value)) properties["Points"] = JsonValue.Create(value);
            else errors[name] = "must be a number of points, such as -15 or 20";
        }
        return errors.Count > 0 ? (null, errors) : (Bytes(edited), errors);
    }

    /// <summary>The file with the master scale's minimum scores and PDs set from the form (a blank minimum score removes it); or the fields that could not be read.</summary>
    public static (byte[]? Content, Dictionary<string, string> Errors) WithScale(
        JsonObject ruleset, IReadOnlyDictionary<string, string> minScores, IReadOnlyDictionary<string, string> pds)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        var edited = ruleset.DeepClone().AsObject();
        if (edited["Settings"]?["Grades"] is not JsonArray grades) return (null, new() { [""] = "the ruleset has no master scale (Settings.Grades)" });
        foreach (var grade in grades.OfType<JsonObject>())
        {
            var name = StringOf(grade["Grade"]);
            if (minScores.TryGetValue(name, out var min))
            {
                if (string.IsNullOrWhiteSpace(min)) grade.Remove("MinScore");
                else if (decimal.TryParse(min.Trim(), NumberStyles.Number, CultureInfo.InvariantCulture, out var score)) grade["MinScore"] = JsonValue.Create(score);
                else errors[$"min-{name}"] = "must be a score, or blank for the last scored grade";
            }
            if (pds.TryGetValue(name, out var pdText))
            {
                if (decimal.TryParse(pdText.Trim(), NumberStyles.Number, CultureInfo.InvariantCulture, out var pd) && pd is > 0 and <= 1) grade["Pd"] = JsonValue.Create(pd);
                else errors[$"pd-{name}"] = "must be a probability above 0 and at most 1, such as 0.0035";
            }
        }
        return errors.Count > 0 ? (null, errors) : (Bytes(edited), errors);
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
