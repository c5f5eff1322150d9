using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Serialization;
using CreditDecision.Core.Contracts;
using CreditDecision.Core.Rules;

namespace CreditDecision.Core.Provisioning;

/// <summary>
/// A named stress scenario as a risk committee keeps it, one JSON file in the rules folder's <c>scenarios</c> folder,
/// versioned like a ruleset by the SHA-256 of its canonical JSON.
/// </summary>
public sealed record StressScenario
{
    /// <summary>The file's name without <c>.json</c>: how a stress test asks for the scenario.</summary>
    public required string Name { get; init; }

    /// <summary>SHA-256 of the file's canonical JSON.</summary>
    public required string Version { get; init; }

    public required string Label { get; init; }
    public required string Description { get; init; }

    /// <summary>Multipliers of every PD, by the borrower's industry and region (1 for one not listed); they multiply.</summary>
    public required ImmutableDictionary<string, decimal> IndustryPdMultipliers { get; init; }

    public required ImmutableDictionary<string, decimal> RegionPdMultipliers { get; init; }

    /// <summary>Fall (negative) of every collateral value, as a fraction of today's value.</summary>
    public required decimal CollateralValueShock { get; init; }

    /// <summary>Rise of the loan prime rate, in basis points: every loan's rate rises with it.</summary>
    public required int RateShockBasisPoints { get; init; }

    /// <summary>The committee's multiplier of every PD for the rate rise (debt service costs more).</summary>
    public required decimal RateShockPdMultiplier { get; init; }

    /// <summary>Fall (negative) of every borrower's revenue, as a fraction of its revenue today.</summary>
    public required decimal RevenueShock { get; init; }

    /// <summary>Shares of the book's stressed loss (or RWA, or exposure) that one industry or one region may hold.</summary>
    public required ConcentrationLimits ConcentrationLimits { get; init; }

    public StressScenarioRef ToRef() => new(Name, Version, Label);
}

/// <summary>The limits a stress report checks, on the share of <see cref="Measure"/> (<c>ecl</c>, <c>rwa</c> or <c>ead</c>).</summary>
public sealed record ConcentrationLimits(string Measure, decimal IndustryShare, decimal RegionShare);

/// <summary>Which scenario a report ran: its name, version and label.</summary>
public sealed record StressScenarioRef(string Name, string Version, string Label);

/// <summary>Reads and checks scenario files; errors name the file and the field.</summary>
public static class StressScenarios
{
    public const string Folder = "scenarios";
    public static readonly IReadOnlyList<string> Measures = ["ecl", "rwa", "ead"];

    private const decimal MaxMultiplier = 100m;

    private static readonly JsonSerializerOptions FileOptions = new()
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        AllowDuplicateProperties = false,
        ReadCommentHandling = JsonCommentHandling.Disallow,
    };

    /// <summary>The scenario files of a rules folder, by name.</summary>
    public static IReadOnlyList<string> Names(string rulesDirectory)
    {
        var folder = Path.Combine(rulesDirectory, Folder);
        return Directory.Exists(folder)
            ? [.. Directory.GetFiles(folder, "*.json", SearchOption.TopDirectoryOnly).Select(Path.GetFileNameWithoutExtension).OfType<string>().Order(StringComparer.Ordinal)]
            : [];
    }

    /// <summary>A scenario of the rules folder by name; null without errors when there is no such file.</summary>
    public static (StressScenario? Scenario, IReadOnlyList<string> Errors) Load(string rulesDirectory, string name)
    {
        if (!Names(rulesDirectory).Contains(name, StringComparer.Ordinal)) return (null, []);
        var path = Path.Combine(rulesDirectory, Folder, name + ".json");
        try
        {
            return Parse(name, File.ReadAllBytes(path));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return (null, [$"the file could not be read: {ex.Message}"]);
        }
    }

    public static (StressScenario? Scenario, IReadOnlyList<string> Errors) Parse(string name, byte[] content)
    {
        ScenarioFile? file;
        JsonElement root;
        try
        {
            root = JsonSerializer.Deserialize<JsonElement>(content, FileOptions);
            file = root.Deserialize<ScenarioFile>(FileOptions);
        }
        catch (JsonException ex)
        {
            return (null, [$"not a valid scenario file: {ex.Message}"]);
        }
        var errors = new List<string>();
        if (file is null) return (null, ["the file must hold a JSON object"]);
        if (string.IsNullOrWhiteSpace(file.Label)) errors.Add("Label is required");
        if (string.IsNullOrWhiteSpace(file.Description)) errors.Add("Description is required: what the scenario assumes and who adopted it");
        var industries = Multipliers(file.PdMultipliers?.Industry, "PdMultipliers.Industry", ContractJson.WireNamesOf<Industry>(), errors);
        var regions = Multipliers(file.PdMultipliers?.Region, "PdMultipliers.Region", null, errors);
        if (file.CollateralValueShock is not (>= -1m and <= 0m)) errors.Add("CollateralValueShock is required: a fall from -1 to 0 (-0.3 = 30 % lower)");
        if (file.RevenueShock is not (>= -1m and <= 0m)) errors.Add("RevenueShock is required: a fall from -1 to 0 (-0.2 = 20 % lower)");
        if (file.RateShock?.BasisPoints is not (>= 0 and <= 2000)) errors.Add("RateShock.BasisPoints is required: a rise of the loan prime rate from 0 to 2,000 basis points");
        if (file.RateShock?.PdMultiplier is not (>= 1m and <= MaxMultiplier)) errors.Add($"RateShock.PdMultiplier is required: from 1 to {MaxMultiplier}");
        var limits = file.ConcentrationLimits;
        if (limits is null || !Measures.Contains(limits.Measure ?? "") || limits.IndustryShare is not (> 0m and <= 1m) || limits.RegionShare is not (> 0m and <= 1m))
        {
            errors.Add($"ConcentrationLimits needs Measure ({string.Join(", ", Measures)}), IndustryShare and RegionShare (each above 0 and at most 1)");
        }
        if (errors.Count > 0) return (null, errors);
        return (new StressScenario
        {
            Name = name,
            Version = CanonicalJson.Sha256(root),
            Label = file.Label!,
            Description = file.Description!,
            IndustryPdMultipliers = industries,
            RegionPdMultipliers = regions,
            CollateralValueShock = file.CollateralValueShock!.Value,
            RateShockBasisPoints = file.RateShock!.BasisPoints!.Value,
            RateShockPdMultiplier = file.RateShock.PdMultiplier!.Value,
            RevenueShock = file.RevenueShock!.Value,
            ConcentrationLimits = new ConcentrationLimits(limits!.Measure!, limits.IndustryShare!.Value, limits.RegionShare!.Value),
        }, []);
    }

    private static ImmutableDictionary<string, decimal> Multipliers(
        Dictionary<string, decimal>? multipliers, string scope, IReadOnlyList<string>? known, List<string> errors)
    {
        foreach (var (key, value) in multipliers ?? [])
        {
            if (known is not null && !known.Contains(key)) errors.Add($"{scope}.{key} is not a known key: {string.Join(", ", known)}");
            if (value is <= 0m or > MaxMultiplier) errors.Add($"{scope}.{key} must be above 0 and at most {MaxMultiplier}");
        }
        return (multipliers ?? []).ToImmutableDictionary(StringComparer.Ordinal);
    }

    private sealed record ScenarioFile
    {
        [JsonPropertyName("$schema")] public string? Schema { get; init; }
        public string? Label { get; init; }
        public string? Description { get; init; }
        public PdMultiplierFile? PdMultipliers { get; init; }
        public decimal? CollateralValueShock { get; init; }
        public RateShockFile? RateShock { get; init; }
        public decimal? RevenueShock { get; init; }
        public LimitsFile? ConcentrationLimits { get; init; }
    }

    private sealed record PdMultiplierFile(Dictionary<string, decimal>? Industry = null, Dictionary<string, decimal>? Region = null);

    private sealed record RateShockFile(int? BasisPoints = null, decimal? PdMultiplier = null);

    private sealed record LimitsFile(string? Measure = null, decimal? IndustryShare = null, decimal? RegionShare = null);
}
