using System.Text.Json;
using System.Text.Json.Serialization;
using CreditDecision.Core.Contracts;
using CreditDecision.Core.Rules;

namespace CreditDecision.Core.Provisioning;

/// <summary>What one loan's review adds to the book: read from the stored review, its trace and signals aside.</summary>
public sealed record ReviewedLoan
{
    public required string LoanId { get; init; }
    public required string SuggestedGrade { get; init; }
    public string? Classification { get; init; }
    public int? Stage { get; init; }
    public decimal? OutstandingAmount { get; init; }
    public decimal? Ead { get; init; }
    public decimal? Ecl { get; init; }
    public decimal? RiskWeightedAssets { get; init; }
    public Origination? Origination { get; init; }

    /// <summary>Reviewed under a monitoring ruleset that classifies and provisions (reviews made before one was live have no such figures).</summary>
    public bool Assessed => Classification is not null && Ead is not null;

    public bool NonPerforming => Classification is "substandard" or "doubtful" or "loss";

    private static readonly JsonSerializerOptions Lenient = new(ContractJson.Options) { UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip };

    /// <summary>Reads a stored review response.</summary>
    public static ReviewedLoan Read(string responseJson) => JsonSerializer.Deserialize<ReviewedLoan>(responseJson, Lenient)!;

    public static ReviewedLoan Of(MonitoringResult review) => new()
    {
        LoanId = review.LoanId,
        SuggestedGrade = review.SuggestedGrade,
        Classification = review.Classification,
        Stage = review.Stage,
        OutstandingAmount = review.OutstandingAmount,
        Ead = review.Ead,
        Ecl = review.Ecl,
        RiskWeightedAssets = review.RiskWeightedAssets,
        Origination = review.Origination,
    };
}

/// <summary>Sums over a set of loans.</summary>
/// <param name="NonPerformingOutstanding">The outstanding amount of loans classified substandard, doubtful or loss.</param>
/// <param name="NonPerformingRatio">Non-performing outstanding over outstanding.</param>
/// <param name="EclToEad">Expected credit loss over exposure at default.</param>
public sealed record RiskFigures(
    long Loans, decimal Outstanding, decimal Ead, decimal Ecl, decimal RiskWeightedAssets,
    decimal NonPerformingOutstanding, decimal NonPerformingRatio, decimal EclToEad);

/// <summary>The figures of the loans that share a key (a grade, stage, classification, product, industry or region).</summary>
public sealed record RiskRow(string Key, RiskFigures Figures);

/// <summary>How many loans (and how much exposure) moved from one stage or classification to another.</summary>
/// <param name="From">The stage or classification at the earlier date, or <c>new</c> for a loan not yet reviewed then.</param>
public sealed record MigrationCell(string From, string To, long Loans, decimal Ead);

/// <summary>The book's risk from the latest review of each loan.</summary>
/// <param name="Reviews">Loans with a review in the log by the end of <see cref="AsOf"/>.</param>
/// <param name="NotAssessed">Of those, loans whose latest review was made by a monitoring ruleset that did not classify or provision: in no figure below.</param>
public sealed record PortfolioRiskReport(
    DateOnly AsOf, DateOnly? Since, long Reviews, long NotAssessed, RiskFigures Total,
    IReadOnlyList<RiskRow> ByGrade, IReadOnlyList<RiskRow> ByStage, IReadOnlyList<RiskRow> ByClassification,
    IReadOnlyList<RiskRow> ByProduct, IReadOnlyList<RiskRow> ByIndustry, IReadOnlyList<RiskRow> ByRegion,
    IReadOnlyList<MigrationCell>? StageMigration, IReadOnlyList<MigrationCell>? ClassificationMigration);

/// <summary>Adds loans up, by total and by key.</summary>
public sealed class RiskTally
{
    private long _loans;
    private decimal _outstanding, _ead, _ecl, _rwa, _nonPerforming;

    public void Add(ReviewedLoan loan)
    {
        _loans++;
        _outstanding += loan.OutstandingAmount ?? 0m;
        _ead += loan.Ead ?? 0m;
        _ecl += loan.Ecl ?? 0m;
        _rwa += loan.RiskWeightedAssets ?? 0m;
        if (loan.NonPerforming) _nonPerforming += loan.OutstandingAmount ?? 0m;
    }

    public RiskFigures Figures() => new(_loans, _outstanding, _ead, _ecl, _rwa, _nonPerforming, Ratio(_nonPerforming, _outstanding), Ratio(_ecl, _ead));

    private static decimal Ratio(decimal part, decimal whole) => whole == 0m ? 0m : decimal.Round(part / whole, 6, MidpointRounding.ToEven);
}

/// <summary>Tallies by the keys of one dimension, reported in a given order of keys (others after, in ordinal order).</summary>
public sealed class RiskBreakdown(Func<ReviewedLoan, string> keyOf, IReadOnlyList<string>? order = null)
{
    public const string Unknown = "unknown";

    private readonly Dictionary<string, RiskTally> _byKey = new(StringComparer.Ordinal);

    public void Add(ReviewedLoan loan)
    {
        var key = keyOf(loan);
        if (!_byKey.TryGetValue(key, out var tally)) _byKey[key] = tally = new RiskTally();
        tally.Add(loan);
    }

    public IReadOnlyList<RiskRow> Rows() =>
        [.. _byKey.OrderBy(p => Rank(p.Key)).ThenBy(p => p.Key, StringComparer.Ordinal).Select(p => new RiskRow(p.Key, p.Value.Figures()))];

    private int Rank(string key)
    {
        var index = order?.ToList().IndexOf(key) ?? -1;
        return index >= 0 ? index : key == Unknown ? int.MaxValue : int.MaxValue - 1;
    }

    public IReadOnlyDictionary<string, RiskFigures> ByKey() => _byKey.ToDictionary(p => p.Key, p => p.Value.Figures(), StringComparer.Ordinal);
}

/// <summary>Builds the book's risk report from the latest review of each loan.</summary>
public static class PortfolioRisk
{
    public static readonly IReadOnlyList<string> Stages = ["1", "2", "3"];

    public static readonly IReadOnlyList<string> Classifications = [.. Enum.GetValues<LoanClassification>().Select(c => KebabCase.Of(c))];

    /// <param name="latest">The latest review of each loan by the end of <paramref name="asOf"/>, streamed.</param>
    /// <param name="grades">The master scale, best first, to order the grades by.</param>
    /// <param name="previous">The latest review of each loan by the end of <paramref name="since"/>, for the migration since then.</param>
    public static async Task<PortfolioRiskReport> BuildAsync(
        DateOnly asOf, IAsyncEnumerable<ReviewedLoan> latest, IReadOnlyList<string> grades, DateOnly? since = null,
        IAsyncEnumerable<ReviewedLoan>? previous = null, CancellationToken cancellationToken = default)
    {
        Dictionary<string, ReviewedLoan>? before = null;
        if (previous is not null)
        {
            before = new(StringComparer.Ordinal);
            await foreach (var loan in previous.WithCancellation(cancellationToken)) if (loan.Assessed) before[loan.LoanId] = loan;
        }
        var total = new RiskTally();
        RiskBreakdown byGrade = new(l => l.SuggestedGrade, grades), byStage = new(l => l.Stage!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), Stages),
            byClassification = new(l => l.Classification!, Classifications), byProduct = new(l => l.Origination?.Product ?? RiskBreakdown.Unknown),
            byIndustry = new(l => l.Origination?.Industry ?? RiskBreakdown.Unknown), byRegion = new(l => l.Origination?.Region ?? RiskBreakdown.Unknown);
        var stageMigration = new Migration(Stages);
        var classificationMigration = new Migration(Classifications);
        long reviews = 0, notAssessed = 0;
        await foreach (var loan in latest.WithCancellation(cancellationToken))
        {
            reviews++;
            if (!loan.Assessed)
            {
                notAssessed++;
                continue;
            }
            total.Add(loan);
            foreach (var breakdown in new[] { byGrade, byStage, byClassification, byProduct, byIndustry, byRegion }) breakdown.Add(loan);
            if (before is null) continue;
            var earlier = before.GetValueOrDefault(loan.LoanId);
            stageMigration.Add(earlier?.Stage?.ToString(System.Globalization.CultureInfo.InvariantCulture), loan.Stage!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), loan.Ead!.Value);
            classificationMigration.Add(earlier?.Classification, loan.Classification!, loan.Ead!.Value);
        }
        return new PortfolioRiskReport(
            asOf, since, reviews, notAssessed, total.Figures(),
            byGrade.Rows(), byStage.Rows(), byClassification.Rows(), byProduct.Rows(), byIndustry.Rows(), byRegion.Rows(),
            before is null ? null : stageMigration.Cells(), before is null ? null : classificationMigration.Cells());
    }
}

/// <summary>A migration matrix: loans and exposure by (from, to), rows in the given order with <c>new</c> first.</summary>
public sealed class Migration(IReadOnlyList<string> order)
{
    public const string New = "new";

    private readonly Dictionary<(string From, string To), (long Loans, decimal Ead)> _cells = [];

    public void Add(string? from, string to, decimal ead)
    {
        var key = (from ?? New, to);
        var (loans, sum) = _cells.GetValueOrDefault(key);
        _cells[key] = (loans + 1, sum + ead);
    }

    public IReadOnlyList<MigrationCell> Cells()
    {
        var rows = order.Prepend(New).ToList();
        return [.. _cells.OrderBy(c => rows.IndexOf(c.Key.From)).ThenBy(c => order.ToList().IndexOf(c.Key.To))
            .Select(c => new MigrationCell(c.Key.From, c.Key.To, c.Value.Loans, c.Value.Ead))];
    }
}
