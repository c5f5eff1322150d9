namespace CreditDecision.Core.Validation;

/// <summary>A two-sided 95 % confidence interval.</summary>
public sealed record ConfidenceInterval(double Lower, double Upper);

/// <summary>How well the score separates loans that defaulted from loans that did not.</summary>
/// <param name="Auc">Probability that a random performing loan scored higher than a random defaulted one (ties count half).</param>
/// <param name="AucStandardError">DeLong's standard error of <paramref name="Auc"/>.</param>
/// <param name="Gini">Accuracy ratio, 2 · AUC − 1.</param>
/// <param name="Ks">Kolmogorov–Smirnov statistic: the largest gap between the score distribution functions of defaulted and performing loans.</param>
/// <param name="KsScore">The score at which the gap is largest (loans at or below it are the cut-off's rejects).</param>
/// <param name="KsInterval">Percentile interval of <paramref name="Ks"/> from a stratified bootstrap.</param>
public sealed record DiscriminationResult(
    long Goods,
    long Bads,
    double Auc,
    double AucStandardError,
    ConfidenceInterval AucInterval,
    double Gini,
    ConfidenceInterval GiniInterval,
    double Ks,
    decimal KsScore,
    ConfidenceInterval KsInterval,
    int BootstrapResamples);

/// <summary>
/// Discrimination statistics of a score: AUC and Gini with DeLong's variance (exact for the empirical AUC, ties
/// counted half), and KS with a stratified bootstrap interval (defaulted and performing loans resampled separately,
/// so each resample keeps the observed default count). The bootstrap uses a fixed seed: the same data always give
/// the same interval.
/// </summary>
public static class Discrimination
{
    /// <summary>z for a two-sided 95 % interval.</summary>
    public const double Z95 = 1.959963984540054;

    public const int DefaultResamples = 200;
    private const ulong BootstrapSeed = 0x5EED_C0DE_2026UL;

    /// <summary>Null when there are no defaulted or no performing loans: nothing to separate.</summary>
    public static DiscriminationResult? Of(ScoreDistribution distribution, int bootstrapResamples = DefaultResamples)
    {
        if (distribution.TotalGoods == 0 || distribution.TotalBads == 0) return null;
        var (auc, standardError) = AucWithDeLongError(distribution);
        var (ks, ksScore) = KolmogorovSmirnov(distribution);
        var aucInterval = new ConfidenceInterval(Math.Max(0, auc - Z95 * standardError), Math.Min(1, auc + Z95 * standardError));
        return new DiscriminationResult(
            distribution.TotalGoods,
            distribution.TotalBads,
            auc,
            standardError,
            aucInterval,
            2 * auc - 1,
            new ConfidenceInterval(2 * aucInterval.Lower - 1, 2 * aucInterval.Upper - 1),
            ks,
            ksScore,
            BootstrapKsInterval(distribution, bootstrapResamples),
            bootstrapResamples);
    }

    /// <summary>
    /// The empirical AUC and DeLong's standard error. Each defaulted loan's placement is the share of performing loans
    /// scoring above it (ties half); each performing loan's, the share of defaulted loans scoring below it. AUC is the
    /// mean placement; its variance is the placements' sample variances over their counts.
    /// </summary>
    public static (double Auc, double StandardError) AucWithDeLongError(ScoreDistribution distribution)
    {
        var scores = distribution.Scores.Count;
        double goods = distribution.TotalGoods, bads = distribution.TotalBads;
        var goodsAbove = new double[scores];
        var badsBelow = new double[scores];
        double running = 0;
        for (var i = scores - 1; i >= 0; i--)
        {
            goodsAbove[i] = running;
            running += distribution.Goods[i];
        }
        running = 0;
        for (var i = 0; i < scores; i++)
        {
            badsBelow[i] = running;
            running += distribution.Bads[i];
        }

        double auc = 0;
        var badPlacements = new double[scores];
        var goodPlacements = new double[scores];
        for (var i = 0; i < scores; i++)
        {
            badPlacements[i] = (goodsAbove[i] + 0.5 * distribution.Goods[i]) / goods;
            goodPlacements[i] = (badsBelow[i] + 0.5 * distribution.Bads[i]) / bads;
            auc += distribution.Bads[i] * badPlacements[i];
        }
        auc /= bads;

        double badVariance = 0, goodVariance = 0;
        for (var i = 0; i < scores; i++)
        {
            badVariance += distribution.Bads[i] * Square(badPlacements[i] - auc);
            goodVariance += distribution.Goods[i] * Square(goodPlacements[i] - auc);
        }
        badVariance = bads > 1 ? badVariance / (bads - 1) : 0;
        goodVariance = goods > 1 ? goodVariance / (goods - 1) : 0;
        return (auc, Math.Sqrt(badVariance / bads + goodVariance / goods));
    }

    /// <summary>KS = max over scores s of |F_bad(s) − F_good(s)|, where F(s) is the share scoring s or less.</summary>
    public static (double Ks, decimal Score) KolmogorovSmirnov(ScoreDistribution distribution) =>
        KolmogorovSmirnov(distribution.Scores, distribution.Goods, distribution.Bads, distribution.TotalGoods, distribution.TotalBads);

    private static (double Ks, decimal Score) KolmogorovSmirnov(
        IReadOnlyList<decimal> scores, IReadOnlyList<long> goods, IReadOnlyList<long> bads, long totalGoods, long totalBads)
    {
        double cumulativeGoods = 0, cumulativeBads = 0, best = -1;
        var bestScore = scores.Count > 0 ? scores[0] : 0m;
        for (var i = 0; i < scores.Count; i++)
        {
            cumulativeGoods += goods[i];
            cumulativeBads += bads[i];
            var gap = Math.Abs(cumulativeBads / totalBads - cumulativeGoods / totalGoods);
            if (gap > best)
            {
                best = gap;
                bestScore = scores[i];
            }
        }
        return (best, bestScore);
    }

    private static ConfidenceInterval BootstrapKsInterval(ScoreDistribution distribution, int resamples)
    {
        if (resamples <= 0) return new ConfidenceInterval(double.NaN, double.NaN);
        var random = new DeterministicRandom(BootstrapSeed);
        var goodSampler = new AliasSampler(distribution.Goods);
        var badSampler = new AliasSampler(distribution.Bads);
        var scores = distribution.Scores.Count;
        var statistics = new double[resamples];
        var goods = new long[scores];
        var bads = new long[scores];
        for (var r = 0; r < resamples; r++)
        {
            Array.Clear(goods);
            Array.Clear(bads);
            for (long i = 0; i < distribution.TotalGoods; i++) goods[goodSampler.Sample(random)]++;
            for (long i = 0; i < distribution.TotalBads; i++) bads[badSampler.Sample(random)]++;
            statistics[r] = KolmogorovSmirnov(distribution.Scores, goods, bads, distribution.TotalGoods, distribution.TotalBads).Ks;
        }
        Array.Sort(statistics);
        return new ConfidenceInterval(Percentile(statistics, 0.025), Percentile(statistics, 0.975));
    }

    /// <summary>Linear interpolation between order statistics (the usual "type 7" percentile).</summary>
    private static double Percentile(double[] sorted, double p)
    {
        var position = p * (sorted.Length - 1);
        var below = (int)Math.Floor(position);
        var above = Math.Min(below + 1, sorted.Length - 1);
        return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
    }

    private static double Square(double value) => value * value;

    /// <summary>Walker's alias method: draws an index with probability proportional to its weight in constant time.</summary>
    private sealed class AliasSampler
    {
        private readonly double[] _probability;
        private readonly int[] _alias;

        public AliasSampler(IReadOnlyList<long> weights)
        {
            var n = weights.Count;
            _probability = new double[n];
            _alias = new int[n];
            double total = weights.Sum();
            var scaled = weights.Select(weight => weight * n / total).ToArray();
            var small = new Stack<int>();
            var large = new Stack<int>();
            for (var i = 0; i < n; i++) (scaled[i] < 1 ? small : large).Push(i);
            while (small.Count > 0 && large.Count > 0)
            {
                var less = small.Pop();
                var more = large.Pop();
                _probability[less] = scaled[less];
                _alias[less] = more;
                scaled[more] = scaled[more] + scaled[less] - 1;
                (scaled[more] < 1 ? small : large).Push(more);
            }
            while (large.Count > 0) _probability[large.Pop()] = 1;
            while (small.Count > 0) _probability[small.Pop()] = 1;
        }

        public int Sample(DeterministicRandom random)
        {
            var u = random.NextDouble() * _probability.Length;
            var column = (int)u;
            return u - column < _probability[column] ? column : _alias[column];
        }
    }
}
