using System.Collections.Immutable;
using System.Text.Json;
using CreditDecision.Core.Rules;

namespace CreditDecision.Core.Provisioning;

/// <summary>
/// Forward PDs by grade: for each scored grade of the master scale, the PD of each year after the first, given survival
/// to its start. The first year's PD is the master scale's; beyond the last year given, the last one holds.
/// </summary>
/// <param name="DefaultRemainingMonths">The remaining life assumed for a loan whose maturity is not known.</param>
public sealed record PdTermStructure(ImmutableDictionary<string, ImmutableArray<decimal>> ForwardPds, int DefaultRemainingMonths);

/// <summary>
/// Standardised risk weights of the unsecured part of a defaulted exposure, net of its provision: one below the provision
/// share, the other from it up.
/// </summary>
public sealed record DefaultedExposurePolicy(decimal ProvisionShare, decimal RiskWeightBelowShare, decimal RiskWeightFromShare);

/// <summary>Reads the monitoring ruleset's provisioning Settings; each table must say where its figures come from.</summary>
internal static class ProvisioningSettings
{
    public static PdTermStructure? ReadPdTermStructure(JsonElement element, Action<string> error)
    {
        const string scope = "Settings.PdTermStructure";
        var reader = Object(element, scope, error);
        reader.Text("Description");
        var remaining = reader.WholeNumber("DefaultRemainingMonths", 1, 600);
        var byGrade = new Dictionary<string, ImmutableArray<decimal>>(StringComparer.Ordinal);
        if (reader.Raw("Grades") is { ValueKind: JsonValueKind.Array } rows)
        {
            var index = 0;
            foreach (var row in rows.EnumerateArray())
            {
                var rowScope = $"{scope}.Grades[{++index}]";
                var rowReader = Object(row, rowScope, error);
                var grade = rowReader.Text("Grade");
                var forward = ForwardPds(rowReader.Raw("ForwardPd"), $"{rowScope}.ForwardPd", error);
                if (!rowReader.Finish() || grade is null || forward is null) continue;
                if (!byGrade.TryAdd(grade, forward.Value)) error($"{rowScope}: grade '{grade}' is listed twice");
            }
        }
        else error($"{scope}.Grades must be a list, one row per scored grade of the master scale");
        return reader.Finish() && remaining is not null ? new PdTermStructure(byGrade.ToImmutableDictionary(StringComparer.Ordinal), remaining.Value) : null;
    }

    public static DefaultedExposurePolicy? ReadDefaultedExposure(JsonElement element, Action<string> error)
    {
        const string scope = "Settings.DefaultedExposure";
        var reader = Object(element, scope, error);
        reader.Text("Description");
        var share = Fraction(reader.Number("ProvisionShare"), $"{scope}.ProvisionShare", 1m, error);
        var below = Fraction(reader.Number("RiskWeightBelowShare"), $"{scope}.RiskWeightBelowShare", 12.5m, error);
        var from = Fraction(reader.Number("RiskWeightFromShare"), $"{scope}.RiskWeightFromShare", 12.5m, error);
        return reader.Finish() && share is not null && below is not null && from is not null
            ? new DefaultedExposurePolicy(share.Value, below.Value, from.Value)
            : null;
    }

    /// <summary>Each a PD above 0 and at most 1; at least one year after the first.</summary>
    private static ImmutableArray<decimal>? ForwardPds(JsonElement? element, string scope, Action<string> error)
    {
        if (element is not { ValueKind: JsonValueKind.Array } array || array.GetArrayLength() == 0)
        {
            if (element is not null) error($"{scope} must list the PD of year 2, 3, ... given survival to its start, at least one");
            return null;
        }
        var pds = new List<decimal>();
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetDecimal(out var pd) || pd is <= 0m or > 1m)
            {
                error($"{scope} must hold PDs above 0 and at most 1");
                return null;
            }
            pds.Add(pd);
        }
        return [.. pds];
    }

    private static decimal? Fraction(decimal? value, string scope, decimal max, Action<string> error)
    {
        if (value is < 0m || value > max) error($"{scope} must be from 0 to {max}");
        return value;
    }

    private static PropertyReader Object(JsonElement element, string scope, Action<string> error)
    {
        if (element.ValueKind != JsonValueKind.Object) error($"{scope} must be an object");
        var fields = element.ValueKind == JsonValueKind.Object ? element.EnumerateObject().ToDictionary(p => p.Name, p => p.Value) : [];
        return new PropertyReader(fields, scope, error);
    }
}
