using System.Collections.Immutable;
using System.Text.Json;
using CreditDecision.Core.Contracts;

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
            Stage.Rating when reader.Has("Default") => new RuleSpec { DefaultTrigger = reader.True("Default") },
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
            Stage.Authority => new RuleSpec { AuthorityLevel = reader.Text("Level") },
            Stage.Monitoring when Provisioning.AssessmentRules.IsAssessment(reader) => Provisioning.AssessmentRules.Read(reader),
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
                EnterpriseSize = reader.Optional("EnterpriseSize") is { } size ? ReadSizeStandard(size, error) : null,
                CustomerFactors = reader.Optional("CustomerFactors") is { } factors ? ReadCustomerFactors(factors, error) : null,
            },
            Stage.Limit => new StageSettings
            {
                RoundDownTo = ReadRoundDownTo(reader.Number("RoundDownTo", required: false), error),
                MinimumAmount = reader.Number("MinimumAmount") ?? 0m,
                BelowMinimum = ReadReason(reader.Raw("BelowMinimum"), "Settings.BelowMinimum", error),
                DebtService = reader.Optional("DebtService") is { } debt ? ReadDebtService(debt, error) : null,
                GuaranteeRecognition = reader.Optional("GuaranteeRecognition") is { } recognition ? ReadGuaranteeRecognition(recognition, error) : null,
            },
            Stage.EarlyWarning => new StageSettings
            {
                WarningReferral = reader.Optional("Referral") is { } referral ? ReadWarningReferral(referral, error) : null,
            },
            Stage.Authority => ReadAuthority(reader, error),
            Stage.Monitoring => new StageSettings
            {
                PdTermStructure = reader.Optional("PdTermStructure") is { } curve ? Provisioning.ProvisioningSettings.ReadPdTermStructure(curve, error) : null,
                DefaultedExposure = reader.Optional("DefaultedExposure") is { } defaulted ? Provisioning.ProvisioningSettings.ReadDefaultedExposure(defaulted, error) : null,
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

    private static ImmutableDictionary<string, CustomerText>? ReadCustomerFactors(JsonElement element, Action<string> error)
    {
        const string scope = "Settings.CustomerFactors";
        if (element.ValueKind != JsonValueKind.Object)
        {
            error($"{scope} must be an object: each scorecard factor with its En and ZhHans");
            return null;
        }
        var texts = ImmutableDictionary.CreateBuilder<string, CustomerText>(StringComparer.Ordinal);
        foreach (var factor in element.EnumerateObject())
        {
            if (PropertyReader.ReadCustomerText(factor.Value, $"{scope}.{factor.Name}", reasonText: false, error) is { } text) texts[factor.Name] = text;
        }
        return texts.ToImmutable();
    }

    private static PropertyReader Object(JsonElement element, string scope, Action<string> error)
    {
        if (element.ValueKind != JsonValueKind.Object) error($"{scope} must be an object");
        var fields = element.ValueKind == JsonValueKind.Object ? element.EnumerateObject().ToDictionary(p => p.Name, p => p.Value) : [];
        return new PropertyReader(fields, scope, error);
    }

    /// <summary>A Settings table that C# reads to derive facts must say where its figures come from, like a rule.</summary>
    private static void RequireDescription(PropertyReader reader) => reader.Text("Description");

    private static readonly string[] SizeMetrics = ["Employees", "Revenue", "TotalAssets"];

    private static SizeStandard? ReadSizeStandard(JsonElement element, Action<string> error)
    {
        const string scope = "Settings.EnterpriseSize";
        var reader = Object(element, scope, error);
        RequireDescription(reader);
        var industries = reader.Raw("Industries");
        var byIndustry = new Dictionary<string, SizeThresholds>(StringComparer.Ordinal);
        if (industries is { ValueKind: JsonValueKind.Array } rows)
        {
            var index = 0;
            foreach (var row in rows.EnumerateArray())
            {
                var rowScope = $"{scope}.Industries[{++index}]";
                var rowReader = Object(row, rowScope, error);
                var industry = rowReader.OneOf("Industry", [.. ContractJson.WireNamesOf<SizeStandardIndustry>()]);
                var large = ReadSizeTest(rowReader.Raw("Large"), $"{rowScope}.Large", error);
                var medium = ReadSizeTest(rowReader.Raw("Medium"), $"{rowScope}.Medium", error);
                var small = ReadSizeTest(rowReader.Raw("Small"), $"{rowScope}.Small", error);
                if (!rowReader.Finish() || industry is null || large is null || medium is null || small is null) continue;
                if (!byIndustry.TryAdd(industry, new SizeThresholds(large, medium, small))) error($"{rowScope}: industry '{industry}' is listed twice");
            }
        }
        else if (industries is not null) error($"{scope}.Industries must be a list, one row per industry item");
        var missing = ContractJson.WireNamesOf<SizeStandardIndustry>().Where(i => !byIndustry.ContainsKey(i)).ToList();
        if (industries is { ValueKind: JsonValueKind.Array } && missing.Count > 0) error($"{scope}.Industries has no row for: {string.Join(", ", missing)}");
        return reader.Finish() && missing.Count == 0
            ? new SizeStandard([.. ContractJson.WireNamesOf<SizeStandardIndustry>().Select(industry => byIndustry[industry])])
            : null;
    }

    private static SizeTest? ReadSizeTest(JsonElement? element, string scope, Action<string> error)
    {
        if (element is not { } value) return null;
        var reader = Object(value, scope, error);
        var bounds = SizeMetrics.Select(metric => reader.Number(metric, required: false)).ToArray();
        if (bounds.All(b => b is null)) error($"{scope} must give at least one of {string.Join(", ", SizeMetrics)}");
        return reader.Finish() ? new SizeTest(bounds[0], bounds[1], bounds[2]) : null;
    }

    private static DebtServicePolicy? ReadDebtService(JsonElement element, Action<string> error)
    {
        const string scope = "Settings.DebtService";
        var reader = Object(element, scope, error);
        RequireDescription(reader);
        var rate = reader.Number("StressRate");
        if (rate is < 0m or > 1m) error($"{scope}.StressRate must be an annual rate between 0 and 1");
        var products = reader.TextList("InterestOnlyProducts", [.. ContractJson.WireNamesOf<Product>()]);
        return reader.Finish() && rate is not null && products is not null
            ? new DebtServicePolicy(rate.Value, [.. Enum.GetValues<Product>().Where(p => products.Value.Contains(ContractJson.WireName(p)))])
            : null;
    }

    private static GuaranteeRecognition? ReadGuaranteeRecognition(JsonElement element, Action<string> error)
    {
        const string scope = "Settings.GuaranteeRecognition";
        var reader = Object(element, scope, error);
        RequireDescription(reader);
        var factors = new Dictionary<string, decimal>(StringComparer.Ordinal);
        if (reader.Raw("Factors") is { } table)
        {
            var tableReader = Object(table, $"{scope}.Factors", error);
            foreach (var type in ContractJson.WireNamesOf<GuarantorType>())
            {
                if (Factor(tableReader.Number(type), $"{scope}.Factors.{type}", error) is { } factor) factors[type] = factor;
            }
            tableReader.Finish();
        }
        var related = Factor(reader.Number("RelatedParty"), $"{scope}.RelatedParty", error);
        var weaker = Factor(reader.Number("WeakerThanBorrower"), $"{scope}.WeakerThanBorrower", error);
        var complete = factors.Count == ContractJson.WireNamesOf<GuarantorType>().Count;
        return reader.Finish() && complete && related is not null && weaker is not null
            ? new GuaranteeRecognition([.. ContractJson.WireNamesOf<GuarantorType>().Select(type => factors[type])], related.Value, weaker.Value)
            : null;
    }

    private static decimal? Factor(decimal? value, string scope, Action<string> error)
    {
        if (value is < 0m or > 1m) error($"{scope} must be a fraction from 0 to 1");
        return value;
    }

    private static WarningReferral? ReadWarningReferral(JsonElement element, Action<string> error)
    {
        const string scope = "Settings.Referral";
        var reader = Object(element, scope, error);
        var level = reader.Enum<WarningLevel>("Level", exclude: WarningLevel.Green);
        var reason = reader.Reason();
        if (reason.Effect == "decline") error($"{scope}.Effect must be refer: a warning asks a credit officer to look, it does not decline");
        return reader.Finish() && level != WarningLevel.Green ? new WarningReferral(level, reason) : null;
    }

    private static StageSettings ReadAuthority(PropertyReader reader, Action<string> error)
    {
        var levels = ReadLevels(reader.Raw("Levels"), error);
        return new StageSettings
        {
            AuthorityLevels = levels,
            AuthorityReferral = ReadReason(reader.Raw("Referral"), "Settings.Referral", error),
            FinalDecisions = reader.Optional("FinalDecisions") is { } policy ? FinalDecisionPolicyReader.Read(policy, levels, error) : null,
        };
    }

    private static ImmutableArray<string> ReadLevels(JsonElement? element, Action<string> error)
    {
        var levels = element is { ValueKind: JsonValueKind.Array } array
            ? array.EnumerateArray().Select(item => item.ValueKind == JsonValueKind.String ? item.GetString() : null).ToList()
            : null;
        if (levels is null || levels.Count < 2 || levels.Any(string.IsNullOrWhiteSpace) || levels.Distinct().Count() != levels.Count)
        {
            if (element is not null) error("Settings.Levels must list at least two distinct approval levels, the automatic one first");
            return [];
        }
        return [.. levels!];
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

    /// <summary>
    /// The master scale, best first. Every scored grade but the last has a MinScore; the last takes every lower score
    /// (files written before 2027 gave it a MinScore too, which has never been a lower bound: the loader refuses that
    /// form for new versions). An optional default grade (<c>"Default": true</c>, PD 1, no MinScore) comes last.
    /// </summary>
    private static ImmutableArray<GradeBand> ReadGrades(JsonElement? grades, Action<string> error)
    {
        if (grades is not { ValueKind: JsonValueKind.Array } array || array.GetArrayLength() < 2)
        {
            if (grades is not null) error("Settings.Grades must list at least two grades, best first");
            return [];
        }
        var bands = new List<GradeBand>();
        var count = array.GetArrayLength();
        var index = 0;
        foreach (var item in array.EnumerateArray())
        {
            index++;
            var scope = $"Settings.Grades[{index}]";
            var fields = item.ValueKind == JsonValueKind.Object
                ? item.EnumerateObject().ToDictionary(p => p.Name, p => p.Value)
                : [];
            var reader = new PropertyReader(fields, scope, error);
            var grade = reader.Text("Grade");
            var isDefault = reader.Has("Default") && reader.True("Default");
            var minScore = reader.Number("MinScore", required: false);
            var pd = reader.Number("Pd");
            if (!reader.Finish() || grade is null || pd is null) continue;
            if (pd is <= 0m or > 1m) error($"{scope}.Pd must be a fraction above 0 and at most 1");
            if (isDefault)
            {
                if (index != count) error($"{scope} ('{grade}') is the default grade and must come last");
                if (minScore is not null) error($"{scope} ('{grade}') is the default grade: default triggers assign it, so it takes no MinScore");
                if (pd != 1m) error($"{scope} ('{grade}') is the default grade: its Pd must be 1 (a borrower in default has defaulted)");
            }
            else
            {
                var lastScored = index == count || (index == count - 1 && IsDefault(array[count - 1]));
                if (minScore is null && !lastScored) error($"{scope} ('{grade}') needs a MinScore; only the last scored grade is open-ended");
                if (bands.Count > 0 && minScore is not null && bands[^1].MinScore is { } above && minScore >= above)
                {
                    error($"{scope} ('{grade}') must have a lower MinScore than the grade before it");
                }
            }
            if (bands.Count > 0 && pd <= bands[^1].Pd) error($"{scope} ('{grade}') must have a higher Pd than the grade before it");
            bands.Add(new GradeBand(grade, minScore, pd.Value, isDefault));
        }
        return [.. bands];
    }

    private static bool IsDefault(JsonElement grade) =>
        grade.ValueKind == JsonValueKind.Object && grade.TryGetProperty("Default", out var flag) && flag.ValueKind == JsonValueKind.True;
}

/// <summary>Typed access to a JSON object's fields that reports missing, mistyped and unknown ones.</summary>
internal sealed class PropertyReader(IReadOnlyDictionary<string, JsonElement> fields, string scope, Action<string> error)
{
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);
    private bool _ok = true;

    public bool Has(string name) => fields.ContainsKey(name);

    /// <summary>A field that may be left out: its value, or null without an error.</summary>
    public JsonElement? Optional(string name)
    {
        _read.Add(name);
        return fields.TryGetValue(name, out var value) ? value : null;
    }

    /// <summary>A yes/no field that must be true when present (a marker such as <c>"Default": true</c>).</summary>
    public bool True(string name)
    {
        var value = Raw(name);
        if (value is { ValueKind: JsonValueKind.True }) return true;
        Fail($"{scope}.{name} must be true when given; leave it out otherwise");
        return false;
    }

    /// <summary>A list of texts, each one of <paramref name="allowed"/>.</summary>
    public ImmutableArray<string>? TextList(string name, string[] allowed)
    {
        var value = Raw(name);
        if (value is null) return null;
        var items = value.Value.ValueKind == JsonValueKind.Array
            ? value.Value.EnumerateArray().Select(item => item.ValueKind == JsonValueKind.String ? item.GetString() : null).ToList()
            : null;
        if (items is null || items.Any(item => item is null || !allowed.Contains(item, StringComparer.Ordinal)))
        {
            Fail($"{scope}.{name} must be a list of: {string.Join(", ", allowed)}");
            return null;
        }
        return [.. items!];
    }

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

    /// <summary>An approval reason: Effect (decline or refer), ReasonCode and Message, and optionally its CustomerText.</summary>
    public RuleSpec Reason() => new()
    {
        Effect = OneOf("Effect", ["decline", "refer"]),
        Code = Code("ReasonCode"),
        Message = Text("Message"),
        Customer = Optional("CustomerText") is { } text ? ReadCustomerText(text, $"{scope}.CustomerText", reasonText: true, error) : null,
    };

    /// <summary>
    /// A <see cref="Rules.CustomerText"/> object: En and ZhHans, and for a reason the optional
    /// <c>"ScorecardFactors": true</c>.
    /// </summary>
    public static CustomerText? ReadCustomerText(JsonElement element, string scope, bool reasonText, Action<string> error)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            error($"{scope} must be an object with En and ZhHans");
            return null;
        }
        var reader = new PropertyReader(element.EnumerateObject().ToDictionary(p => p.Name, p => p.Value), scope, error);
        var english = reader.Text("En");
        var chinese = reader.Text("ZhHans");
        var factors = reasonText && reader.Has("ScorecardFactors") && reader.True("ScorecardFactors");
        if (chinese is not null && !chinese.Any(IsHan)) error($"{scope}.ZhHans must be written in Chinese characters");
        return reader.Finish() && english is not null && chinese is not null && chinese.Any(IsHan) ? new CustomerText(english, chinese, factors) : null;
    }

    private static bool IsHan(char c) => c is >= '\u4E00' and <= '\u9FFF';

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
