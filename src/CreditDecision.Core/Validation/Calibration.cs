namespace CreditDecision.Core.Validation;

/// <summary>How a validation figure reads at a glance.</summary>
public static class TrafficLight
{
    public const string Green = "green";
    public const string Amber = "amber";
    public const string Red = "red";
}

/// <summary>
/// p-values below which a grade's calibration turns amber and red. The defaults follow the Basel traffic-light
/// convention for PD back-testing (amber beyond the 95 % quantile of the binomial distribution, red beyond 99.9 %).
/// </summary>
public sealed record CalibrationThresholds(double Amber = 0.05, double Red = 0.001);

/// <summary>One grade's predicted and observed default rates.</summary>
/// <param name="ObservedDefaultRate">Defaults / count.</param>
/// <param name="Pd">The grade's probability of default on the master scale the decisions used.</param>
/// <param name="BinomialPValue">P(X ≥ defaults) for X ~ Binomial(count, PD): how surprising so many defaults are if the PD is right.</param>
/// <param name="JeffreysInterval">95 % interval for the true default rate: the 2.5 % and 97.5 % quantiles of Beta(defaults + ½, count − defaults + ½).</param>
/// <param name="JeffreysPValue">P(true rate ≤ PD) under the Jeffreys posterior Beta(defaults + ½, count − defaults + ½): small when the PD is too low.</param>
/// <param name="TrafficLight"><c>green</c>, <c>amber</c> or <c>red</c> from <paramref name="BinomialPValue"/> and the thresholds.</param>
public sealed record GradeCalibration(
    string Grade,
    long Count,
    long Defaults,
    double ObservedDefaultRate,
    decimal Pd,
    double BinomialPValue,
    double JeffreysPValue,
    ConfidenceInterval JeffreysInterval,
    string TrafficLight);

/// <summary>
/// Calibration of a grade's PD against observed defaults: a one-sided exact binomial test (are there more defaults
/// than the PD allows?) and the Jeffreys interval and test that supervisors use for PD back-testing.
/// </summary>
public static class Calibration
{
    public static GradeCalibration Of(string grade, long count, long defaults, decimal pd, CalibrationThresholds thresholds)
    {
        if (count <= 0) throw new ArgumentOutOfRangeException(nameof(count), count, "a grade with no loans has no calibration");
        if (defaults < 0 || defaults > count) throw new ArgumentOutOfRangeException(nameof(defaults), defaults, "must be between 0 and the count");
        var probability = (double)pd;
        var binomial = BinomialUpperTail(count, defaults, probability);
        double a = defaults + 0.5, b = count - defaults + 0.5;
        var interval = new ConfidenceInterval(
            SpecialFunctions.InverseRegularizedIncompleteBeta(0.025, a, b),
            SpecialFunctions.InverseRegularizedIncompleteBeta(0.975, a, b));
        var jeffreys = SpecialFunctions.RegularizedIncompleteBeta(probability, a, b);
        return new GradeCalibration(
            grade, count, defaults, (double)defaults / count, pd, binomial, jeffreys, interval, LightOf(binomial, thresholds));
    }

    /// <summary>P(X ≥ k) for X ~ Binomial(n, p), which equals I_p(k, n − k + 1).</summary>
    public static double BinomialUpperTail(long n, long k, double p)
    {
        if (k <= 0) return 1;
        if (k > n) return 0;
        if (p <= 0) return 0;
        if (p >= 1) return 1;
        return SpecialFunctions.RegularizedIncompleteBeta(p, k, n - k + 1);
    }

    private static string LightOf(double pValue, CalibrationThresholds thresholds) =>
        pValue < thresholds.Red ? TrafficLight.Red : pValue < thresholds.Amber ? TrafficLight.Amber : TrafficLight.Green;
}
