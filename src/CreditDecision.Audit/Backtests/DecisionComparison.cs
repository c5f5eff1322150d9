using System.Text.Json.Nodes;
using CreditDecision.Audit.Replay;
using CreditDecision.Core.Contracts;
using CreditDecision.Core.Decisions;
using CreditDecision.Core.Rules;

namespace CreditDecision.Audit.Backtests;

/// <summary>
/// Counts pairs of decisions for the same application, as decided (recorded) and under other rules (candidate),
/// in log order, and keeps the requested page of those that differ: the comparison a backtest and the challenger
/// report both give.
/// </summary>
public sealed class DecisionComparison(int page, int pageSize)
{
    /// <summary>Fields that always differ between two rule versions or only restate the outcome's parts rule by rule.</summary>
    private static readonly string[] NotCompared = ["$.rulesets", "$.trace", "$.decisionId", "$.decidedAt"];

    /// <summary>Every field of the candidate response that differs from the recorded one, outside the trace and the version stamps.</summary>
    public static IReadOnlyList<JsonDifference> Differences(string recordedJson, JsonNode? candidate) =>
        [.. JsonDifferences.Between(JsonNode.Parse(recordedJson), candidate)
            .Where(d => !NotCompared.Any(prefix => d.Path == prefix || d.Path.StartsWith(prefix + ".", StringComparison.Ordinal) || d.Path.StartsWith(prefix + "[", StringComparison.Ordinal)))];

    private static readonly string[] Outcomes = [DecisionPipeline.Approve, DecisionPipeline.Refer, DecisionPipeline.Decline];

    private readonly long _skip = (long)(page - 1) * pageSize;
    private readonly List<ChangedDecision> _changed = [];
    private readonly Side _recorded = new();
    private readonly Side _candidate = new();
    private readonly Dictionary<string, Dictionary<string, long>> _migration = Outcomes.ToDictionary(o => o, _ => Outcomes.ToDictionary(p => p, _ => 0L));
    private readonly SortedDictionary<string, long> _newReasons = new(StringComparer.Ordinal);
    private long _decisions;
    private long _changedDecisions;

    /// <param name="differences">From <see cref="Differences"/>; empty when the candidate decides the same.</param>
    public void Add(DecisionResponse recorded, DecisionResponse candidate, IReadOnlyList<JsonDifference> differences)
    {
        _decisions++;
        _recorded.Add(recorded);
        _candidate.Add(candidate);
        _migration[recorded.Outcome][candidate.Outcome]++;
        var before = recorded.Reasons.Select(r => r.Code).ToHashSet(StringComparer.Ordinal);
        foreach (var code in candidate.Reasons.Select(r => r.Code).Distinct().Where(code => !before.Contains(code)))
        {
            _newReasons[code] = _newReasons.GetValueOrDefault(code) + 1;
        }
        if (differences.Count == 0) return;
        if (_changedDecisions++ >= _skip && _changed.Count < pageSize)
        {
            _changed.Add(new ChangedDecision(recorded.DecisionId, recorded.ApplicationId, recorded.Outcome, candidate.Outcome,
                recorded.Limit.ApprovedAmount, candidate.Limit.ApprovedAmount, differences));
        }
    }

    public BacktestReport Report(string candidateSnapshotId, IReadOnlyList<RuleError> caseFailures, DateTimeOffset? from, DateTimeOffset? to)
    {
        var grades = _recorded.Grades.Keys.Union(_candidate.Grades.Keys).OrderBy(g => _recorded.Ranks.GetValueOrDefault(g, _candidate.Ranks.GetValueOrDefault(g))).ToList();
        return new BacktestReport(
            candidateSnapshotId, caseFailures, from, to, _decisions, _recorded.Figures(_decisions), _candidate.Figures(_decisions),
            _migration.ToDictionary(pair => pair.Key, pair => (IReadOnlyDictionary<string, long>)pair.Value),
            [.. grades.Select(grade => GradeFigures(grade))],
            _newReasons, _changedDecisions, page, pageSize, _changed);
    }

    private GradeFigures GradeFigures(string grade)
    {
        var recorded = _recorded.Grades.GetValueOrDefault(grade);
        var candidate = _candidate.Grades.GetValueOrDefault(grade);
        return new GradeFigures(grade, recorded.Count, candidate.Count, recorded.MeanRate, candidate.MeanRate, recorded.ExpectedLoss, candidate.ExpectedLoss);
    }

    private static readonly (string Name, decimal UpTo)[] LimitBands =
    [
        ("0", 0m), ("up to 500k", 500_000m), ("500k-1m", 1_000_000m), ("1m-2m", 2_000_000m), ("2m-5m", 5_000_000m),
        ("5m-10m", 10_000_000m), ("over 10m", decimal.MaxValue),
    ];

    private sealed class Side
    {
        public Dictionary<string, long> Outcomes { get; } = DecisionComparison.Outcomes.ToDictionary(o => o, _ => 0L);
        public Dictionary<string, GradeSums> Grades { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, int> Ranks { get; } = new(StringComparer.Ordinal);
        private readonly Dictionary<string, long> _limitBands = LimitBands.ToDictionary(band => band.Name, _ => 0L);
        private decimal _approvedLimit;

        public void Add(DecisionResponse decision)
        {
            Outcomes[decision.Outcome]++;
            _approvedLimit += decision.Limit.ApprovedAmount;
            _limitBands[LimitBands.First(band => decision.Limit.ApprovedAmount <= band.UpTo).Name]++;
            Ranks[decision.Rating.Grade] = decision.Rating.GradeRank;
            Grades[decision.Rating.Grade] = Grades.GetValueOrDefault(decision.Rating.Grade).Add(decision.Pricing.AnnualRate, decision.Pricing.ExpectedLoss);
        }

        public OutcomeFigures Figures(long decisions) => new(
            Outcomes,
            Outcomes.ToDictionary(pair => pair.Key, pair => decisions == 0 ? 0m : decimal.Round((decimal)pair.Value / decisions, 4)),
            _approvedLimit,
            decisions == 0 ? 0m : decimal.Round(_approvedLimit / decisions, 2),
            _limitBands);
    }

    private readonly record struct GradeSums(long Count, decimal RateSum, decimal ExpectedLoss)
    {
        public decimal MeanRate => Count == 0 ? 0m : decimal.Round(RateSum / Count, 6);

        public GradeSums Add(decimal rate, decimal expectedLoss) => new(Count + 1, RateSum + rate, ExpectedLoss + expectedLoss);
    }
}
