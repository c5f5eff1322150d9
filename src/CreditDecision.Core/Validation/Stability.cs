namespace CreditDecision.Core.Validation;

/// <summary>
/// Population stability index bands: under <see cref="Amber"/> the population is stable (green), from it to
/// <see cref="Red"/> it should be watched (amber), above <see cref="Red"/> the model's inputs have shifted enough to
/// act (red). 0.10 and 0.25 are the industry's usual thresholds, not a regulatory figure.
/// </summary>
public sealed record StabilityThresholds(double Amber = 0.10, double Red = 0.25);

/// <summary>PSI between a reference and a current distribution over the same bins.</summary>
public sealed record StabilityResult(double Psi, string TrafficLight, IReadOnlyList<StabilityBin> Bins);

/// <summary>One bin's counts and shares; <paramref name="Contribution"/> is its addend of the PSI.</summary>
public sealed record StabilityBin(string Bin, long ReferenceCount, long CurrentCount, double ReferenceShare, double CurrentShare, double Contribution);

/// <summary>
/// Population stability and information value. A share of zero is floored at 0.0001 for PSI (an empty bin on one side
/// would make the index infinite), and information value adds half a loan to both counts of a bin where either is
/// empty (the usual correction, so a bin without defaults does not give an infinite weight of evidence).
/// </summary>
public static class Stability
{
    private const double ShareFloor = 0.0001;

    /// <summary>PSI = Σ (current − reference) · ln(current / reference) over the bins' shares.</summary>
    public static StabilityResult Psi(IReadOnlyList<string> bins, IReadOnlyList<long> reference, IReadOnlyList<long> current, StabilityThresholds thresholds)
    {
        if (bins.Count != reference.Count || bins.Count != current.Count) throw new ArgumentException("bins, reference and current must align");
        double referenceTotal = reference.Sum(), currentTotal = current.Sum();
        var rows = new List<StabilityBin>(bins.Count);
        double psi = 0;
        for (var i = 0; i < bins.Count; i++)
        {
            var referenceShare = referenceTotal > 0 ? reference[i] / referenceTotal : 0;
            var currentShare = currentTotal > 0 ? current[i] / currentTotal : 0;
            double expected = Math.Max(referenceShare, ShareFloor), actual = Math.Max(currentShare, ShareFloor);
            var contribution = (actual - expected) * Math.Log(actual / expected);
            psi += contribution;
            rows.Add(new StabilityBin(bins[i], reference[i], current[i], referenceShare, currentShare, contribution));
        }
        var light = psi > thresholds.Red ? TrafficLight.Red : psi >= thresholds.Amber ? TrafficLight.Amber : TrafficLight.Green;
        return new StabilityResult(psi, light, rows);
    }

    /// <summary>IV = Σ (good share − bad share) · ln(good share / bad share) over a factor's bins.</summary>
    public static double InformationValue(IReadOnlyList<long> goods, IReadOnlyList<long> bads)
    {
        if (goods.Count != bads.Count) throw new ArgumentException("goods and bads must align");
        var corrected = Enumerable.Range(0, goods.Count)
            .Select(i => goods[i] == 0 || bads[i] == 0 ? (Good: goods[i] + 0.5, Bad: bads[i] + 0.5) : (Good: (double)goods[i], Bad: (double)bads[i]))
            .ToArray();
        double totalGoods = corrected.Sum(bin => bin.Good), totalBads = corrected.Sum(bin => bin.Bad);
        if (totalGoods == 0 || totalBads == 0) return 0;
        return corrected.Sum(bin =>
        {
            double goodShare = bin.Good / totalGoods, badShare = bin.Bad / totalBads;
            return (goodShare - badShare) * Math.Log(goodShare / badShare);
        });
    }

    /// <summary>
    /// Score bands from a reference distribution: up to <paramref name="bands"/> bands holding about equal numbers of
    /// reference loans, each named by its lowest score. A score belongs to the last band whose lower bound it reaches.
    /// </summary>
    public static IReadOnlyList<decimal> BandLowerBounds(ScoreDistribution reference, int bands = 10)
    {
        var total = reference.Total;
        if (total == 0) return [];
        var bounds = new List<decimal> { reference.Scores[0] };
        long cumulative = 0;
        var next = 1;
        for (var i = 0; i < reference.Scores.Count - 1; i++)
        {
            cumulative += reference.Goods[i] + reference.Bads[i];
            if (next < bands && cumulative * bands >= total * next)
            {
                bounds.Add(reference.Scores[i + 1]);
                while (next < bands && cumulative * bands >= total * next) next++;
            }
        }
        return bounds;
    }

    /// <summary>How many loans of <paramref name="distribution"/> fall in each band.</summary>
    public static long[] CountByBand(ScoreDistribution distribution, IReadOnlyList<decimal> lowerBounds)
    {
        var counts = new long[lowerBounds.Count];
        if (lowerBounds.Count == 0) return counts;
        for (var i = 0; i < distribution.Scores.Count; i++)
        {
            var band = BandOf(distribution.Scores[i], lowerBounds);
            counts[band] += distribution.Goods[i] + distribution.Bads[i];
        }
        return counts;
    }

    private static int BandOf(decimal score, IReadOnlyList<decimal> lowerBounds)
    {
        var band = 0;
        while (band + 1 < lowerBounds.Count && score >= lowerBounds[band + 1]) band++;
        return band;
    }
}
