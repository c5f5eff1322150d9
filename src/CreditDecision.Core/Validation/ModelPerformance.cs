namespace CreditDecision.Core.Validation;

/// <summary>One bin of a scorecard factor that fired for a loan, with the points it gave.</summary>
public sealed record FactorBin(string Factor, string Bin, decimal Points);

/// <summary>A booked loan as the rating scored it, and whether it defaulted within the observation horizon.</summary>
/// <param name="Version">The rating ruleset version that scored it.</param>
public sealed record ScoredLoan(string Version, decimal Score, string Grade, decimal Pd, IReadOnlyList<FactorBin> Bins, bool Defaulted);

/// <summary>A scorecard factor as its ruleset defines it: every bin and its points, whether or not a loan fell in it.</summary>
public sealed record ScorecardFactor(string Factor, IReadOnlyList<(string Bin, decimal Points)> Bins)
{
    public decimal Spread => Bins.Count == 0 ? 0 : Bins.Max(bin => bin.Points) - Bins.Min(bin => bin.Points);
}

/// <summary>The population a current window is compared with for stability: its scores and each factor's bins.</summary>
public sealed class PopulationProfile
{
    private readonly ScoreDistribution.Builder _scores = new();
    private readonly Dictionary<string, Dictionary<string, long>> _bins = [];

    public long Count { get; private set; }

    public void Add(decimal score, IEnumerable<FactorBin> bins)
    {
        Count++;
        _scores.Add(score, defaulted: false);
        foreach (var bin in bins)
        {
            var counts = _bins.TryGetValue(bin.Factor, out var existing) ? existing : _bins[bin.Factor] = [];
            counts[bin.Bin] = counts.GetValueOrDefault(bin.Bin) + 1;
        }
    }

    public ScoreDistribution Scores() => _scores.Build();

    public long BinCount(string factor, string bin) => _bins.TryGetValue(factor, out var counts) ? counts.GetValueOrDefault(bin) : 0;
}

/// <summary>Thresholds of the traffic lights, from configuration.</summary>
public sealed record ValidationThresholds(CalibrationThresholds Calibration, StabilityThresholds Stability)
{
    public static readonly ValidationThresholds Default = new(new CalibrationThresholds(), new StabilityThresholds());
}

/// <summary>How one version of the rating model performed on the loans it scored.</summary>
/// <param name="Discrimination">Null when the sample has no defaults or no performing loans.</param>
/// <param name="ScoreStability">Null without a reference population.</param>
/// <param name="Curve">Per distinct score, the shares of defaulted and performing loans scoring at or below it: the ROC curve and both KS curves.</param>
public sealed record VersionPerformance(
    string Version,
    long Loans,
    long Defaults,
    double DefaultRate,
    DiscriminationResult? Discrimination,
    IReadOnlyList<GradeCalibration> Calibration,
    StabilityResult? ScoreStability,
    IReadOnlyList<FactorPerformance> Factors,
    IReadOnlyList<CurvePoint> Curve);

/// <summary>One point of the score's cumulative distributions: the shares of defaulted and of performing loans scoring <paramref name="Score"/> or less.</summary>
public sealed record CurvePoint(decimal Score, double DefaultedShare, double PerformingShare);

/// <summary>A factor's power and stability: information value, its share of the scorecard's points, and its bins.</summary>
/// <param name="PointsShare">The factor's spread of points (best bin minus worst) over the sum of all factors' spreads: its weight in the scorecard.</param>
/// <param name="MeanPoints">The points it gave the loans of the sample, on average.</param>
public sealed record FactorPerformance(
    string Factor,
    double InformationValue,
    double PointsShare,
    double MeanPoints,
    StabilityResult? Stability,
    IReadOnlyList<BinPerformance> Bins);

/// <summary>One bin of a factor in the sample.</summary>
public sealed record BinPerformance(string Bin, decimal Points, long Loans, long Defaults, double DefaultRate);

/// <summary>
/// Collects the loans one rating version scored (a stream: a few counters per loan, nothing per loan kept) and
/// turns them into that version's discrimination, calibration per grade, stability against a reference population
/// and per-factor information value.
/// </summary>
public sealed class VersionPerformanceBuilder(string version, IReadOnlyList<ScorecardFactor> scorecard)
{
    private readonly ScoreDistribution.Builder _scores = new();
    private readonly Dictionary<string, (long Loans, long Defaults, decimal Pd)> _grades = [];
    private readonly Dictionary<(string Factor, string Bin), (long Goods, long Bads)> _bins = [];
    private readonly Dictionary<string, decimal> _pointsByFactor = [];
    private long _loans, _defaults;

    public string Version { get; } = version;

    public void Add(ScoredLoan loan)
    {
        if (loan.Version != Version) throw new ArgumentException($"loan scored by {loan.Version}, not {Version}", nameof(loan));
        _loans++;
        if (loan.Defaulted) _defaults++;
        _scores.Add(loan.Score, loan.Defaulted);
        var grade = _grades.GetValueOrDefault(loan.Grade);
        _grades[loan.Grade] = (grade.Loans + 1, grade.Defaults + (loan.Defaulted ? 1 : 0), loan.Pd);
        foreach (var bin in loan.Bins)
        {
            var counts = _bins.GetValueOrDefault((bin.Factor, bin.Bin));
            _bins[(bin.Factor, bin.Bin)] = loan.Defaulted ? (counts.Goods, counts.Bads + 1) : (counts.Goods + 1, counts.Bads);
            _pointsByFactor[bin.Factor] = _pointsByFactor.GetValueOrDefault(bin.Factor) + bin.Points;
        }
    }

    public VersionPerformance Build(PopulationProfile? reference, ValidationThresholds thresholds, int bootstrapResamples = Discrimination.DefaultResamples)
    {
        var scores = _scores.Build();
        var calibration = _grades
            .OrderBy(grade => grade.Value.Pd)
            .ThenBy(grade => grade.Key, StringComparer.Ordinal)
            .Select(grade => Calibration.Of(grade.Key, grade.Value.Loans, grade.Value.Defaults, grade.Value.Pd, thresholds.Calibration))
            .ToList();
        return new VersionPerformance(
            Version,
            _loans,
            _defaults,
            _loans == 0 ? 0 : (double)_defaults / _loans,
            Discrimination.Of(scores, bootstrapResamples),
            calibration,
            reference is null || reference.Count == 0 ? null : ScoreStability(scores, reference.Scores(), thresholds.Stability),
            Factors(reference, thresholds.Stability),
            Curve(scores));
    }

    private static List<CurvePoint> Curve(ScoreDistribution scores)
    {
        var points = new List<CurvePoint>(scores.Scores.Count);
        long goods = 0, bads = 0;
        for (var i = 0; i < scores.Scores.Count; i++)
        {
            goods += scores.Goods[i];
            bads += scores.Bads[i];
            points.Add(new CurvePoint(
                scores.Scores[i], scores.TotalBads == 0 ? 0 : (double)bads / scores.TotalBads, scores.TotalGoods == 0 ? 0 : (double)goods / scores.TotalGoods));
        }
        return points;
    }

    private static StabilityResult ScoreStability(ScoreDistribution current, ScoreDistribution reference, StabilityThresholds thresholds)
    {
        var bands = Stability.BandLowerBounds(reference);
        var names = bands.Select(bound => $"{bound:0.##}+").ToArray();
        return Stability.Psi(names, Stability.CountByBand(reference, bands), Stability.CountByBand(current, bands), thresholds);
    }

    private List<FactorPerformance> Factors(PopulationProfile? reference, StabilityThresholds thresholds)
    {
        var totalSpread = scorecard.Sum(factor => factor.Spread);
        return scorecard.Select(factor =>
        {
            var bins = factor.Bins.Select(bin => (bin.Bin, bin.Points, Counts: _bins.GetValueOrDefault((factor.Factor, bin.Bin)))).ToList();
            var rows = bins.Select(bin =>
            {
                var loans = bin.Counts.Goods + bin.Counts.Bads;
                return new BinPerformance(bin.Bin, bin.Points, loans, bin.Counts.Bads, loans == 0 ? 0 : (double)bin.Counts.Bads / loans);
            }).ToList();
            var stability = reference is null || reference.Count == 0
                ? null
                : Stability.Psi(
                    [.. bins.Select(bin => bin.Bin)],
                    [.. bins.Select(bin => reference.BinCount(factor.Factor, bin.Bin))],
                    [.. bins.Select(bin => bin.Counts.Goods + bin.Counts.Bads)],
                    thresholds);
            return new FactorPerformance(
                factor.Factor,
                Stability.InformationValue([.. bins.Select(bin => bin.Counts.Goods)], [.. bins.Select(bin => bin.Counts.Bads)]),
                totalSpread == 0 ? 0 : (double)(factor.Spread / totalSpread),
                _loans == 0 ? 0 : (double)(_pointsByFactor.GetValueOrDefault(factor.Factor) / _loans),
                stability,
                rows);
        }).ToList();
    }
}
