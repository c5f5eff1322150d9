namespace CreditDecision.Core.Validation;

/// <summary>
/// How many performing (good) and defaulted (bad) loans scored each score, lowest score first. A scorecard gives a
/// few hundred distinct scores however many loans there are, so every statistic over a million loans runs over a
/// few hundred rows.
/// </summary>
public sealed class ScoreDistribution
{
    private ScoreDistribution(decimal[] scores, long[] goods, long[] bads)
    {
        Scores = scores;
        Goods = goods;
        Bads = bads;
        TotalGoods = goods.Sum();
        TotalBads = bads.Sum();
    }

    /// <summary>The distinct scores, ascending.</summary>
    public IReadOnlyList<decimal> Scores { get; }

    /// <summary>Performing loans per score, aligned with <see cref="Scores"/>.</summary>
    public IReadOnlyList<long> Goods { get; }

    /// <summary>Defaulted loans per score, aligned with <see cref="Scores"/>.</summary>
    public IReadOnlyList<long> Bads { get; }

    public long TotalGoods { get; }
    public long TotalBads { get; }
    public long Total => TotalGoods + TotalBads;

    /// <summary>Collects observations one at a time (a stream of decisions) and freezes them into a distribution.</summary>
    public sealed class Builder
    {
        private readonly Dictionary<decimal, (long Goods, long Bads)> _counts = [];

        public void Add(decimal score, bool defaulted)
        {
            _counts.TryGetValue(score, out var count);
            _counts[score] = defaulted ? (count.Goods, count.Bads + 1) : (count.Goods + 1, count.Bads);
        }

        public ScoreDistribution Build()
        {
            var ordered = _counts.OrderBy(entry => entry.Key).ToArray();
            return new ScoreDistribution(
                [.. ordered.Select(entry => entry.Key)],
                [.. ordered.Select(entry => entry.Value.Goods)],
                [.. ordered.Select(entry => entry.Value.Bads)]);
        }
    }

    public static ScoreDistribution Of(IEnumerable<(decimal Score, bool Defaulted)> observations)
    {
        var builder = new Builder();
        foreach (var (score, defaulted) in observations) builder.Add(score, defaulted);
        return builder.Build();
    }
}
