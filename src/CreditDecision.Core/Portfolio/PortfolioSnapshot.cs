using System.ComponentModel.DataAnnotations;
using System.Collections.Immutable;
using System.Text.Json;
using CreditDecision.Core.Contracts;
using CreditDecision.Core.Decisions;
using CreditDecision.Core.Rules;

namespace CreditDecision.Core.Portfolio;

/// <summary>The loan book's exposure as a file holds it: what concentration rules measure an application against.</summary>
/// <param name="AsOf">The date the exposures were taken.</param>
/// <param name="Total">Total SME exposure of the book.</param>
/// <param name="ByIndustry">Exposure per industry (the contract's kebab-case industry names).</param>
/// <param name="ByRegion">Exposure per region (the same codes applications use).</param>
/// <param name="ByGroup">Exposure per borrower group (related parties under common control).</param>
public sealed record PortfolioDocument(
    [property: Required] decimal? Total,
    [property: Required] Dictionary<string, decimal>? ByIndustry,
    [property: Required] Dictionary<string, decimal>? ByRegion,
    [property: Required] Dictionary<string, decimal>? ByGroup,
    DateOnly? AsOf = null);

/// <summary>
/// One immutable version of the portfolio, named by the SHA-256 of its canonical JSON like a ruleset, and
/// recorded with every decision that used it.
/// </summary>
public sealed class PortfolioSnapshot
{
    private PortfolioSnapshot(PortfolioDocument document, byte[] content, string version)
    {
        AsOf = document.AsOf;
        Total = document.Total ?? 0m;
        ByIndustry = (document.ByIndustry ?? []).ToImmutableDictionary(StringComparer.Ordinal);
        ByRegion = (document.ByRegion ?? []).ToImmutableDictionary(StringComparer.Ordinal);
        ByGroup = (document.ByGroup ?? []).ToImmutableDictionary(StringComparer.Ordinal);
        Content = [.. content];
        Version = version;
    }

    /// <summary>No book at all: every exposure 0. Concentration rules should not fire on it.</summary>
    public static readonly PortfolioSnapshot Empty = Parse("{\"asOf\":null,\"total\":0,\"byIndustry\":{},\"byRegion\":{},\"byGroup\":{}}"u8.ToArray()).Snapshot!;

    public DateOnly? AsOf { get; }
    public decimal Total { get; }
    public ImmutableDictionary<string, decimal> ByIndustry { get; }
    public ImmutableDictionary<string, decimal> ByRegion { get; }
    public ImmutableDictionary<string, decimal> ByGroup { get; }

    /// <summary>The file exactly as read.</summary>
    public ImmutableArray<byte> Content { get; }

    /// <summary>SHA-256 of the canonical JSON.</summary>
    public string Version { get; }

    public PortfolioRef ToRef() => new(Version, AsOf);

    /// <summary>Reads and checks a portfolio file; errors are keyed by JSON path.</summary>
    public static (PortfolioSnapshot? Snapshot, IReadOnlyDictionary<string, string[]> Errors) Parse(byte[] content)
    {
        PortfolioDocument? document;
        JsonElement element;
        try
        {
            element = JsonSerializer.Deserialize<JsonElement>(content, ContractJson.Options);
            document = element.Deserialize<PortfolioDocument>(ContractJson.Options);
        }
        catch (JsonException ex)
        {
            return (null, new Dictionary<string, string[]> { [ex.Path?.TrimStart('$', '.') is { Length: > 0 } path ? path : "body"] = [ex.Message] });
        }
        var errors = Validate(document);
        return errors.Count > 0 ? (null, errors) : (new PortfolioSnapshot(document!, content, CanonicalJson.Sha256(element)), errors);
    }

    private static Dictionary<string, string[]> Validate(PortfolioDocument? document)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (document is null) return new() { ["body"] = ["must be a portfolio object"] };
        if (document.Total is not { } total || total < 0m || total > ApplicationValidator.MaxAmount)
        {
            errors["total"] = [$"is required, between 0 and {ApplicationValidator.MaxAmount}"];
        }
        void Check(string name, Dictionary<string, decimal>? exposures, Func<string, string?> keyProblem)
        {
            if (exposures is null)
            {
                errors[name] = ["is required (an empty object when there is no exposure)"];
                return;
            }
            foreach (var (key, amount) in exposures)
            {
                if (keyProblem(key) is { } problem) errors[$"{name}.{Shown(key)}"] = [problem];
                else if (amount < 0m || amount > (document.Total ?? 0m)) errors[$"{name}.{key}"] = ["must be between 0 and total"];
            }
            if (exposures.Values.Sum() > (document.Total ?? 0m)) errors.TryAdd(name, ["must not add up to more than total"]);
        }
        var industries = ContractJson.WireNamesOf<Industry>();
        Check("byIndustry", document.ByIndustry, key => industries.Contains(key) ? null : "is not a known key");
        Check("byRegion", document.ByRegion, NameProblem);
        Check("byGroup", document.ByGroup, NameProblem);
        return errors;
    }

    /// <summary>Region and group names follow the text rules of the applications that name them.</summary>
    private static string? NameProblem(string name) =>
        name.Length is 0 or > MaxNameLength ? $"must be 1 to {MaxNameLength} characters"
        : !FieldErrors.IsVisibleText(name) ? FieldErrors.NotVisibleText
        : null;

    private const int MaxNameLength = 64;

    /// <summary>A refused name as the error shows it: non-ASCII escaped, so what it hides is visible.</summary>
    private static string Shown(string name) => JsonEncodedText.Encode(name, System.Text.Encodings.Web.JavaScriptEncoder.Default).ToString();
}
