using CreditDecision.Core.Validation;

namespace CreditDecision.Core.Tests;

/// <summary>
/// The validation statistics against reference computations written here independently of the product code: the
/// exact Mann–Whitney count over every (performing, defaulted) pair, KS by scanning every threshold, DeLong's
/// placements per loan, binomial tails summed term by term and the Beta distribution by numerical integration.
/// </summary>
public class ModelValidationStatisticsTests
{
    /// <summary>10,000 loans whose default probability is known by construction: logistic in the score, 600 at odds 50:1, 20 points to double.</summary>
    private static readonly (decimal Score, bool Defaulted)[] Book = GenerateBook(10_000, seed: 42, shift: 0);

    private static (decimal Score, bool Defaulted)[] GenerateBook(int loans, int seed, int shift)
    {
        var random = new Random(seed);
        var book = new (decimal, bool)[loans];
        for (var i = 0; i < loans; i++)
        {
            var score = 480 + shift + random.Next(0, 81) + random.Next(0, 81) + random.Next(0, 81);
            book[i] = (score, random.NextDouble() < TruePd(score));
        }
        return book;
    }

    private static double TruePd(double score) => 1 / (1 + 50 * Math.Pow(2, (score - 600) / 20));

    [Fact]
    public void Auc_and_gini_equal_the_exact_Mann_Whitney_count_over_every_pair()
    {
        var goods = Book.Where(loan => !loan.Defaulted).Select(loan => loan.Score).ToArray();
        var bads = Book.Where(loan => loan.Defaulted).Select(loan => loan.Score).ToArray();
        double wins = 0;
        foreach (var bad in bads)
        {
            foreach (var good in goods) wins += good > bad ? 1 : good == bad ? 0.5 : 0;
        }
        var referenceAuc = wins / ((double)goods.Length * bads.Length);

        var result = Discrimination.Of(ScoreDistribution.Of(Book))!;

        Assert.InRange(bads.Length, 200, 2_000);
        Assert.Equal(referenceAuc, result.Auc, 1e-9);
        Assert.Equal(2 * referenceAuc - 1, result.Gini, 1e-9);
        Assert.InRange(result.Gini, 0.4, 0.9);
    }

    [Fact]
    public void DeLong_standard_error_equals_the_variance_of_the_placements_of_every_loan()
    {
        var goods = Book.Where(loan => !loan.Defaulted).Select(loan => loan.Score).ToArray();
        var bads = Book.Where(loan => loan.Defaulted).Select(loan => loan.Score).ToArray();
        double Placement(decimal score, decimal[] others, Func<decimal, decimal, bool> beats) =>
            others.Sum(other => beats(other, score) ? 1.0 : other == score ? 0.5 : 0.0) / others.Length;
        var badPlacements = bads.Select(bad => Placement(bad, goods, (good, b) => good > b)).ToArray();
        var goodPlacements = goods.Select(good => Placement(good, bads, (bad, g) => bad < g)).ToArray();
        var auc = badPlacements.Average();
        double SampleVariance(double[] values) => values.Sum(value => (value - auc) * (value - auc)) / (values.Length - 1);
        var referenceError = Math.Sqrt(SampleVariance(badPlacements) / bads.Length + SampleVariance(goodPlacements) / goods.Length);

        var result = Discrimination.Of(ScoreDistribution.Of(Book), bootstrapResamples: 0)!;

        Assert.Equal(referenceError, result.AucStandardError, 1e-9);
        Assert.Equal(result.Auc - Discrimination.Z95 * referenceError, result.AucInterval.Lower, 1e-9);
        Assert.Equal(2 * (result.Auc + Discrimination.Z95 * referenceError) - 1, result.GiniInterval.Upper, 1e-9);
    }

    [Fact]
    public void Ks_equals_the_largest_gap_found_by_trying_every_threshold()
    {
        var goods = Book.Where(loan => !loan.Defaulted).Select(loan => loan.Score).ToArray();
        var bads = Book.Where(loan => loan.Defaulted).Select(loan => loan.Score).ToArray();
        var referenceKs = Book.Select(loan => loan.Score).Distinct()
            .Max(threshold => Math.Abs((double)bads.Count(s => s <= threshold) / bads.Length - (double)goods.Count(s => s <= threshold) / goods.Length));

        var result = Discrimination.Of(ScoreDistribution.Of(Book))!;

        Assert.Equal(referenceKs, result.Ks, 1e-9);
        Assert.InRange(result.Ks, result.KsInterval.Lower, result.KsInterval.Upper);
        Assert.True(result.KsInterval.Upper - result.KsInterval.Lower is > 0.01 and < 0.2, $"interval {result.KsInterval}");
    }

    [Fact]
    public void The_bootstrap_gives_the_same_interval_every_time()
    {
        var first = Discrimination.Of(ScoreDistribution.Of(Book))!;
        var second = Discrimination.Of(ScoreDistribution.Of(Book))!;

        Assert.Equal(first.KsInterval, second.KsInterval);
    }

    [Fact]
    public void Without_defaults_there_is_nothing_to_discriminate()
    {
        Assert.Null(Discrimination.Of(ScoreDistribution.Of(Book.Where(loan => !loan.Defaulted))));
    }

    [Theory]
    [InlineData(1_000, 0, 0.01)]
    [InlineData(1_000, 10, 0.01)]
    [InlineData(1_000, 18, 0.01)]
    [InlineData(3_000, 1, 0.0005)]
    [InlineData(250, 40, 0.12)]
    [InlineData(9_000, 120, 0.0098)]
    [InlineData(40, 40, 0.5)]
    public void Binomial_p_values_equal_the_tail_summed_term_by_term(int count, int defaults, double pd)
    {
        double lowerTail = 0;
        var logTerm = count * Math.Log(1 - pd);
        for (var k = 0; k < defaults; k++)
        {
            lowerTail += Math.Exp(logTerm);
            logTerm += Math.Log((double)(count - k) / (k + 1)) + Math.Log(pd / (1 - pd));
        }
        var reference = 1 - lowerTail;

        var result = Calibration.Of("BBB", count, defaults, (decimal)pd, new CalibrationThresholds());

        Assert.Equal(reference, result.BinomialPValue, 1e-6);
        Assert.Equal((double)defaults / count, result.ObservedDefaultRate, 1e-12);
    }

    [Fact]
    public void Jeffreys_figures_equal_the_Beta_distribution_integrated_numerically()
    {
        const int count = 200, defaults = 3;
        const double pd = 0.01;
        double a = defaults + 0.5, b = count - defaults + 0.5;

        var result = Calibration.Of("A", count, defaults, (decimal)pd, new CalibrationThresholds());

        Assert.Equal(BetaCdfBySimpson(pd, a, b), result.JeffreysPValue, 1e-6);
        Assert.Equal(0.025, BetaCdfBySimpson(result.JeffreysInterval.Lower, a, b), 1e-6);
        Assert.Equal(0.975, BetaCdfBySimpson(result.JeffreysInterval.Upper, a, b), 1e-6);
    }

    /// <summary>∫₀ˣ t^(a−1) (1−t)^(b−1) dt / B(a, b) by Simpson's rule on t = u² (which removes the singularity at 0 for a &lt; 1).</summary>
    private static double BetaCdfBySimpson(double x, double a, double b)
    {
        double Density(double u) => u == 0 ? 0 : 2 * u * Math.Pow(u * u, a - 1) * Math.Pow(1 - u * u, b - 1);
        double Integrate(double upper)
        {
            const int steps = 200_000;
            var h = Math.Sqrt(upper) / steps;
            var sum = Density(0) + Density(Math.Sqrt(upper));
            for (var i = 1; i < steps; i++) sum += (i % 2 == 1 ? 4 : 2) * Density(i * h);
            return sum * h / 3;
        }
        return Integrate(x) / Integrate(1);
    }

    [Fact]
    public void A_grade_with_twice_its_pd_in_defaults_turns_red_and_a_fitting_one_stays_green()
    {
        var thresholds = new CalibrationThresholds();

        Assert.Equal(TrafficLight.Red, Calibration.Of("BB", 2_000, 80, 0.02m, thresholds).TrafficLight);
        Assert.Equal(TrafficLight.Amber, Calibration.Of("BB", 2_000, 52, 0.02m, thresholds).TrafficLight);
        Assert.Equal(TrafficLight.Green, Calibration.Of("BB", 2_000, 41, 0.02m, thresholds).TrafficLight);
    }

    [Fact]
    public void Grades_of_the_generated_book_are_calibrated_and_a_deliberately_low_pd_is_red()
    {
        var thresholds = new CalibrationThresholds();
        var grades = Book.GroupBy(loan => loan.Score >= 600 ? "A" : loan.Score >= 560 ? "B" : "C");
        foreach (var grade in grades)
        {
            var truePd = (decimal)grade.Average(loan => TruePd((double)loan.Score));
            var defaults = grade.Count(loan => loan.Defaulted);

            Assert.NotEqual(TrafficLight.Red, Calibration.Of(grade.Key, grade.Count(), defaults, truePd, thresholds).TrafficLight);
            Assert.Equal(TrafficLight.Red, Calibration.Of(grade.Key, grade.Count(), defaults, truePd / 3, thresholds).TrafficLight);
        }
    }

    [Fact]
    public void Psi_of_the_same_population_is_green_and_of_a_shifted_one_is_red()
    {
        var reference = ScoreDistribution.Of(Book);
        var bands = Stability.BandLowerBounds(reference);
        var names = bands.Select(bound => bound.ToString()).ToArray();
        var thresholds = new StabilityThresholds();
        var referenceCounts = Stability.CountByBand(reference, bands);

        var same = Stability.Psi(names, referenceCounts, Stability.CountByBand(ScoreDistribution.Of(GenerateBook(10_000, seed: 7, shift: 0)), bands), thresholds);
        var shifted = Stability.Psi(names, referenceCounts, Stability.CountByBand(ScoreDistribution.Of(GenerateBook(10_000, seed: 7, shift: -40)), bands), thresholds);

        Assert.Equal(10, bands.Count);
        Assert.All(referenceCounts, count => Assert.InRange(count, 700, 1_300));
        Assert.Equal(TrafficLight.Green, same.TrafficLight);
        Assert.Equal(TrafficLight.Red, shifted.TrafficLight);
        var expectedPsi = shifted.Bins.Sum(bin =>
            (Math.Max(bin.CurrentShare, 0.0001) - Math.Max(bin.ReferenceShare, 0.0001)) * Math.Log(Math.Max(bin.CurrentShare, 0.0001) / Math.Max(bin.ReferenceShare, 0.0001)));
        Assert.Equal(expectedPsi, shifted.Psi, 1e-12);
    }

    [Fact]
    public void Information_value_is_zero_for_a_factor_that_does_not_separate_and_grows_with_separation()
    {
        Assert.Equal(0, Stability.InformationValue([100, 200, 300], [10, 20, 30]), 1e-12);
        // Two bins: 80 % of goods and 20 % of bads in the first. IV = (0.8-0.2)·ln 4 + (0.2-0.8)·ln(1/4) = 1.2·ln 4.
        Assert.Equal(1.2 * Math.Log(4), Stability.InformationValue([800, 200], [20, 80]), 1e-12);
    }
}

public class VersionPerformanceBuilderTests
{
    private static readonly ScorecardFactor[] Scorecard =
    [
        new("years", [("Years_Under2", -20m), ("Years_2To5", 0m), ("Years_Over5", 10m)]),
        new("tax", [("Tax_A", 15m), ("Tax_Other", -15m)]),
    ];

    private static ScoredLoan Loan(decimal score, string grade, decimal pd, string years, decimal yearsPoints, string tax, decimal taxPoints, bool defaulted) =>
        new("v1", score, grade, pd, [new("years", years, yearsPoints), new("tax", tax, taxPoints)], defaulted);

    [Fact]
    public void Counts_per_grade_and_bin_feed_calibration_information_value_and_the_factors_weights()
    {
        var builder = new VersionPerformanceBuilder("v1", Scorecard);
        for (var i = 0; i < 300; i++) builder.Add(Loan(620, "A", 0.01m, "Years_Over5", 10, "Tax_A", 15, defaulted: i < 3));
        for (var i = 0; i < 100; i++) builder.Add(Loan(560, "B", 0.05m, "Years_Under2", -20, "Tax_Other", -15, defaulted: i < 20));

        var result = builder.Build(reference: null, ValidationThresholds.Default, bootstrapResamples: 0);

        Assert.Equal(400, result.Loans);
        Assert.Equal(23, result.Defaults);
        Assert.Equal(["A", "B"], result.Calibration.Select(grade => grade.Grade));
        Assert.Equal(TrafficLight.Green, result.Calibration[0].TrafficLight);
        Assert.Equal(TrafficLight.Red, result.Calibration[1].TrafficLight);
        Assert.Null(result.ScoreStability);
        var years = result.Factors.Single(factor => factor.Factor == "years");
        Assert.Equal(30.0 / 60, years.PointsShare, 1e-12);
        Assert.Equal((300 * 10.0 - 100 * 20) / 400, years.MeanPoints, 1e-12);
        Assert.Equal(Stability.InformationValue([80, 0, 297], [20, 0, 3]), years.InformationValue, 1e-12);
        Assert.Equal([100L, 0, 300], years.Bins.Select(bin => bin.Loans));
        // Goods: 297 at 620, 80 at 560; bads: 3 at 620, 20 at 560. Pairs won by the good loan, ties half.
        Assert.Equal((297 * 20 + 0.5 * (297 * 3 + 80 * 20)) / (377.0 * 23), result.Discrimination!.Auc, 1e-12);
    }

    [Fact]
    public void Against_a_reference_population_each_factor_and_the_score_get_a_stability_index()
    {
        var reference = new PopulationProfile();
        for (var i = 0; i < 200; i++) reference.Add(i % 2 == 0 ? 620 : 560, [new("years", i % 2 == 0 ? "Years_Over5" : "Years_Under2", 0), new("tax", "Tax_A", 15)]);
        var builder = new VersionPerformanceBuilder("v1", Scorecard);
        for (var i = 0; i < 200; i++) builder.Add(Loan(560, "B", 0.05m, "Years_Under2", -20, "Tax_A", 15, defaulted: i < 10));

        var result = builder.Build(reference, ValidationThresholds.Default, bootstrapResamples: 0);

        Assert.Equal(TrafficLight.Red, result.ScoreStability!.TrafficLight);
        Assert.Equal(TrafficLight.Red, result.Factors.Single(factor => factor.Factor == "years").Stability!.TrafficLight);
        Assert.Equal(TrafficLight.Green, result.Factors.Single(factor => factor.Factor == "tax").Stability!.TrafficLight);
        Assert.Equal(0.5, result.Discrimination!.Auc, 1e-12);
    }
}
