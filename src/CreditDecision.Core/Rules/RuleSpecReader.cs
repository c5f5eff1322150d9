using System.Collections.Immutable;
using System.Text.Json;

namespace CreditDecision.Core.Rules;

/// <summary>Reads and checks the stage-specific <c>Properties</c> of a rule.</summary>
internal static class RuleSpecReader
{
    public const int MaxDowngrade = 5;

    public static RuleSpec? Read(Stage stage, Dictionary<string, JsonElement>? properties, Action<string> error)
    {
        var reader = new PropertyReader(properties ?? [], "Properties", error);
        RuleSpec spec = stage switch
        {
            Stage.Rating => new RuleSpec
            {
                Factor = reader.Text("Factor"),
                Points = reader.Number("Points") ?? 0m,
            },
            Stage.Approval => reader.Reason(),
            Stage.Limit => new RuleSpec { Cap = reader.Text("Cap") },
            Stage.Pricing => new RuleSpec { Sets = reader.Enum<PricingMeasure>("Sets", exclude: PricingMeasure.None) },
            Stage.EarlyWarning => new RuleSpec
            {
                Code = reader.Code("Code"),
                Level = reader.Enum<WarningLevel>("Level", exclude: WarningLevel.Green),
                Message = reader.Text("Message"),
            },
            Stage.Monitoring => new RuleSpec
            {
                Code = reader.Code("Code"),
                Level = reader.Enum<WarningLevel>("Level", exclude: WarningLevel.Green),
                Message = reader.Text("Message"),
                Action = reader.Enum<RecoveryAction>("Action", exclude: RecoveryAction.None),
                Downgrade = reader.WholeNumber("Downgrade", 0, MaxDowngrade) ?? 0,
            },
            _ => throw new ArgumentOutOfRangeException(nameof(stage)),
        };
        return reader.Finish() ? spec : null;
    }
}

/// <summary>Reads and checks the stage-wide <c>Settings</c> of a ruleset.</summary>
internal static class StageSettingsReader
{
    public static StageSettings Read(Stage stage, JsonElement? settings, Action<string> error)
    {
        var fields = new Dictionary<string, JsonElement>();
        if (settings is { ValueKind: JsonValueKind.Object } element)
        {
            foreach (var property in element.EnumerateObject()) fields[property.Name] = property.Value;
        }
        else if (settings is { ValueKind: not JsonValueKind.Null })
        {
            error("Settings must be an object");
            return StageSettings.None;
        }

        var reader = new PropertyReader(fields, "Settings", error);
        var result = stage switch
        {
            Stage.Rating => new StageSettings
            {
                BasePoints = reader.Number("BasePoints") ?? 0m,
                Grades = ReadGrades(reader.Raw("Grades"), error),
            },
            Stage.Limit => new StageSettings
            {
                RoundDownTo = ReadRoundDownTo(reader.Number("RoundDownTo", required: false), error),
                MinimumAmount = reader.Number("MinimumAmount") ?? 0m,
                BelowMinimum = ReadReason(reader.Raw("BelowMinimum"), "Settings.BelowMinimum", error),
            },
            _ => StageSettings.None,
        };
        reader.Finish();
        return result;
    }

    /// <summary>
    /// The rounding step of approved amounts: none (to the cent), or a step of at least a cent. A smaller step would
    /// overflow dividing a large amount by it, on every decision that reaches it.
    /// </summary>
    private static decimal ReadRoundDownTo(decimal? step, Action<string> error)
    {
        if (step is null or 0m or >= 0.01m) return step ?? 0m;
        error("Settings.RoundDownTo must be 0 (round to the cent) or a step of at least 0.01");
        return 0m;
    }

    private static RuleSpec? ReadReason(JsonElement? element, string scope, Action<string> error)
    {
        if (element is not { ValueKind: JsonValueKind.Object } value)
        {
            if (element is not null) error($"{scope} must be an object with Effect, ReasonCode and Message");
            return null;
        }
        var reader = new PropertyReader(value.EnumerateObject().ToDictionary(p => p.Name, p => p.Value), scope, error);
        var spec = reader.Reason();
        return reader.Finish() ? spec : null;
    }

    private static ImmutableArray<GradeBand> ReadGrades(JsonElement? grades, Action<string> error)
    {
        if (grades is not { ValueKind: JsonValueKind.Array } array || array.GetArrayLength() < 2)
        {
            if (grades is not null) error("Settings.Grades must list at least two grades, best first");
            return [];
        }
        var bands = new List<GradeBand>();
        var index = 0;
        foreach (var item in array.EnumerateArray())
        {
            index++;
            var fields = item.ValueKind == JsonValueKind.Object
                ? item.EnumerateObject().ToDictionary(p => p.Name, p => p.Value)
                : [];
            var reader = new PropertyReader(fields, $"Settings.Grades[{index}]", error);
            var grade = reader.Text("Grade");
            var minScore = reader.Number("MinScore");
            var pd = reader.Number("Pd");
            if (!reader.Finish() || grade is null || minScore is null || pd is null) continue;
            if (pd is <= 0m or > 1m) error($"Settings.Grades[{index}].Pd must be a fraction above 0 and at most 1");
            if (bands.Count > 0 && (minScore >= bands[^1].MinScore || pd <= bands[^1].Pd))
            {
                error($"Settings.Grades[{index}] ('{grade}') must have a lower MinScore and a higher Pd than the grade before it");
            }
            bands.Add(new GradeBand(grade, minScore.Value, pd.Value));
        }
        return [.. bands];
    }
}

/// <summary>Typed access to a JSON object's fields that reports missing, mistyped and unknown ones.</summary>
internal sealed class PropertyReader(IReadOnlyDictionary<string, JsonElement> fields, string scope, Action<string> error)
{
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);
    private bool _ok = true;

    public JsonElement? Raw(string name)
    {
        _read.Add(name);
        if (fields.TryGetValue(name, out var value)) return value;
        Fail($"{scope}.{name} is required");
        return null;
    }

    public string? Text(string name)
    {
        var value = Raw(name);
        if (value is null) return null;
        if (value.Value.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(value.Value.GetString())) return value.Value.GetString();
        Fail($"{scope}.{name} must be non-empty text");
        return null;
    }

    public string? Code(string name)
    {
        var text = Text(name);
        if (text is null) return null;
        if (text.All(c => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c) || c == '_')) return text;
        Fail($"{scope}.{name} '{text}' must be upper-case letters, digits and underscores, e.g. KO_TAX_ARREARS");
        return null;
    }

    public decimal? Number(string name, bool required = true)
    {
        if (!required && !fields.ContainsKey(name))
        {
            _read.Add(name);
            return null;
        }
        var value = Raw(name);
        if (value is null) return null;
        if (value.Value.ValueKind == JsonValueKind.Number && value.Value.TryGetDecimal(out var number)) return number;
        Fail($"{scope}.{name} must be a number");
        return null;
    }

    public int? WholeNumber(string name, int min, int max)
    {
        var number = Number(name);
        if (number is null) return null;
        if (number == decimal.Truncate(number.Value) && number >= min && number <= max) return (int)number.Value;
        Fail($"{scope}.{name} must be a whole number from {min} to {max}");
        return null;
    }

    /// <summary>An approval reason: Effect (decline or refer), ReasonCode and Message.</summary>
    public RuleSpec Reason() => new()
    {
        Effect = OneOf("Effect", ["decline", "refer"]),
        Code = Code("ReasonCode"),
        Message = Text("Message"),
    };

    public string? OneOf(string name, string[] allowed)
    {
        var text = Text(name);
        if (text is null || allowed.Contains(text, StringComparer.Ordinal)) return text;
        Fail($"{scope}.{name} must be one of: {string.Join(", ", allowed)}");
        return null;
    }

    public T Enum<T>(string name, T exclude) where T : struct, Enum
    {
        var allowed = System.Enum.GetValues<T>().Where(v => !v.Equals(exclude)).ToDictionary(v => KebabCase.Of(v), v => v);
        var text = OneOf(name, [.. allowed.Keys]);
        return text is null ? exclude : allowed[text];
    }

    /// <summary>Reports fields nobody asked for (usually typos); true when everything read was valid.</summary>
    public bool Finish()
    {
        foreach (var name in fields.Keys.Where(name => !_read.Contains(name)))
        {
            Fail($"{scope}.{name} is not a known field here; expected: {string.Join(", ", _read)}");
        }
        return _ok;
    }

    private void Fail(string message)
    {
        _ok = false;
        error(message);
    }

}
