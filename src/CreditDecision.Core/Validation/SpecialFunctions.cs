namespace CreditDecision.Core.Validation;

/// <summary>
/// The few special functions the model-validation statistics need, in double precision: the log-gamma function and
/// the regularized incomplete beta function (whose values are binomial tails and Beta distribution functions).
/// </summary>
internal static class SpecialFunctions
{
    private static readonly double[] LanczosCoefficients =
    [
        0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
        12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
    ];

    /// <summary>ln Γ(x) for x &gt; 0 (Lanczos, g = 7: about 15 significant digits).</summary>
    public static double LogGamma(double x)
    {
        if (x <= 0) throw new ArgumentOutOfRangeException(nameof(x), x, "must be positive");
        if (x < 0.5) return Math.Log(Math.PI / Math.Sin(Math.PI * x)) - LogGamma(1 - x);
        x -= 1;
        var sum = LanczosCoefficients[0];
        for (var i = 1; i < LanczosCoefficients.Length; i++) sum += LanczosCoefficients[i] / (x + i);
        var t = x + 7.5;
        return 0.5 * Math.Log(2 * Math.PI) + (x + 0.5) * Math.Log(t) - t + Math.Log(sum);
    }

    /// <summary>
    /// I_x(a, b), the regularized incomplete beta function: the distribution function of Beta(a, b) at x. Evaluated
    /// by its continued fraction (modified Lentz), on the side of the symmetry I_x(a, b) = 1 - I_{1-x}(b, a) where
    /// the fraction converges fast.
    /// </summary>
    public static double RegularizedIncompleteBeta(double x, double a, double b)
    {
        if (a <= 0 || b <= 0) throw new ArgumentOutOfRangeException(nameof(a), "a and b must be positive");
        if (x <= 0) return 0;
        if (x >= 1) return 1;
        var logFront = a * Math.Log(x) + b * Math.Log(1 - x) - LogBeta(a, b);
        return x < (a + 1) / (a + b + 2)
            ? Math.Exp(logFront) * ContinuedFraction(x, a, b) / a
            : 1 - Math.Exp(logFront) * ContinuedFraction(1 - x, b, a) / b;
    }

    /// <summary>The x at which Beta(a, b)'s distribution function reaches <paramref name="probability"/> (bisection to 1e-15).</summary>
    public static double InverseRegularizedIncompleteBeta(double probability, double a, double b)
    {
        if (probability <= 0) return 0;
        if (probability >= 1) return 1;
        double low = 0, high = 1;
        for (var i = 0; i < 200 && high - low > 1e-15; i++)
        {
            var middle = (low + high) / 2;
            if (RegularizedIncompleteBeta(middle, a, b) < probability) low = middle;
            else high = middle;
        }
        return (low + high) / 2;
    }

    private static double LogBeta(double a, double b) => LogGamma(a) + LogGamma(b) - LogGamma(a + b);

    private static double ContinuedFraction(double x, double a, double b)
    {
        const double tiny = 1e-300;
        const double epsilon = 1e-16;
        // The number of terms grows with the square root of the parameters; binomial tails of a million loans need a few thousand.
        var maxTerms = 1000 + (int)Math.Min(10_000_000, 20 * Math.Sqrt(a + b));
        var c = 1.0;
        var d = 1 - (a + b) * x / (a + 1);
        if (Math.Abs(d) < tiny) d = tiny;
        d = 1 / d;
        var result = d;
        for (var m = 1; m <= maxTerms; m++)
        {
            var m2 = 2 * m;
            var even = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
            d = 1 + even * d;
            if (Math.Abs(d) < tiny) d = tiny;
            c = 1 + even / c;
            if (Math.Abs(c) < tiny) c = tiny;
            d = 1 / d;
            result *= d * c;

            var odd = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
            d = 1 + odd * d;
            if (Math.Abs(d) < tiny) d = tiny;
            c = 1 + odd / c;
            if (Math.Abs(c) < tiny) c = tiny;
            d = 1 / d;
            var step = d * c;
            result *= step;
            if (Math.Abs(step - 1) < epsilon) return result;
        }
        throw new ArithmeticException($"The incomplete beta fraction did not converge for x={x}, a={a}, b={b}.");
    }
}

/// <summary>
/// A small, fast pseudo-random generator (xoshiro256**, seeded by SplitMix64) defined here rather than taken from
/// <see cref="Random"/>, whose algorithm may change between runtimes: a bootstrap with the same seed gives the same
/// interval on every machine and every version, so a report can be reproduced.
/// </summary>
internal sealed class DeterministicRandom
{
    private ulong _s0, _s1, _s2, _s3;

    public DeterministicRandom(ulong seed)
    {
        _s0 = SplitMix(ref seed);
        _s1 = SplitMix(ref seed);
        _s2 = SplitMix(ref seed);
        _s3 = SplitMix(ref seed);
    }

    /// <summary>A uniform double in [0, 1).</summary>
    public double NextDouble() => (NextULong() >> 11) * (1.0 / (1UL << 53));

    private ulong NextULong()
    {
        var result = RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = RotateLeft(_s3, 45);
        return result;
    }

    private static ulong RotateLeft(ulong value, int bits) => (value << bits) | (value >> (64 - bits));

    private static ulong SplitMix(ref ulong state)
    {
        var z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
