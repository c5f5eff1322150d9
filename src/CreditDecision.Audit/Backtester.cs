using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using CreditDecision.Core.Contracts;
using CreditDecision.Core.Decisions;
using CreditDecision.Core.Portfolio;
using CreditDecision.Core.Rules;

namespace CreditDecision.Audit;

/// <summary>What a candidate rules version would have done to the decisions of a period, against what was decided.</summary>
/// <param name="Decisions">Logged decisions of the period re-evaluated under the candidate.</param>
/// <param name="Migration">Recorded outcome, then candidate outcome, then how many decisions moved that way.</param>
/// <param name="NewReasonCodes">Reason codes the candidate gives where the recorded decision did not, with how many decisions.</param>
/// <param name="ChangedDecisions">Decisions whose outcome, limit, pricing, rating, reasons or warnings differ.</param>
/// <param name="Changed">The requested page of those, oldest first.</param>
/// <param name="CaseFailures">The candidate folder's own cases that fail: documented behaviour the candidate changes.</param>
public sealed record BacktestReport(
    string CandidateSnapshotId,
    IReadOnlyList<RuleError> CaseFailures,
    DateTimeOffset? From,
    DateTimeOffset? To,
    long Decisions,
    OutcomeFigures Recorded,
    OutcomeFigures Candidate,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, long>> Migration,
    IReadOnlyList<GradeFigures> ByGrade,
    IReadOnlyDictionary<string, long> NewReasonCodes,
    long ChangedDecisions,
    int Page,
    int PageSize,
    IReadOnlyList<ChangedDecision> Changed);

/// <summary>Outcome counts and rates, and approved limits, under one version of the rules.</summary>
/// <param name="LimitDistribution">Decisions by approved amount band (CNY), declines in <c>0</c>.</param>
public sealed record OutcomeFigures(
    IReadOnlyDictionary<string, long> Outcomes, IReadOnlyDictionary<string, decimal> Rates, decimal TotalApprovedLimit, decimal MeanApprovedLimit,
    IReadOnlyDictionary<string, long> LimitDistribution);

/// <summary>Per grade: decisions rated so, their mean annual rate and total expected loss, recorded and candidate.</summary>
public sealed record GradeFigures(
    string Grade, long Recorded, long Candidate, decimal RecordedMeanRate, decimal CandidateMeanRate, decimal RecordedExpectedLoss, decimal CandidateExpectedLoss);

/// <summary>One decision the candidate would have made differently, with every differing field outside the trace.</summary>
public sealed record ChangedDecision(
    Guid DecisionId, string ApplicationId, string RecordedOutcome, string CandidateOutcome, decimal RecordedLimit, decimal CandidateLimit,
    IReadOnlyList<JsonDifference> Differences);

/// <summary>
/// Re-evaluates every logged decision of a period under candidate rules, in batches on every core as the log
/// streams them, each with the application and portfolio version it was decided with, and compares with what was
/// decided.
/// </summary>
public sealed class Backtester(IDecisionLog log, DecisionReplayer replayer)
{
    public const int MaxPageSize = 200;
    private const int BatchSize = 512;

    /// <summary>Fields that always differ between two rule versions or only restate the outcome's parts rule by rule.</summary>
    private static readonly string[] NotCompared = ["$.rulesets", "$.trace", "$.decisionId", "$.decidedAt"];

    public async Task<BacktestReport> RunAsync(
        RulesetSnapshot candidate, IReadOnlyList<RuleError> caseFailures, DateTimeOffset? from, DateTimeOffset? to, int page, int pageSize,
        CancellationToken cancellationToken)
    {
        var tally = new Tally();
        var changed = new List<ChangedDecision>();
        var skip = (long)(page - 1) * pageSize;
        var portfolios = new ConcurrentDictionary<string, Task<PortfolioSnapshot>>(StringComparer.Ordinal);
        var batch = new List<DecisionRecord>(BatchSize);

        await foreach (var record in log.ExportAsync(from, to, cancellationToken))
        {
            if (record.Kind != RecordKinds.Decision) continue;
            batch.Add(record);
            if (batch.Count < BatchSize) continue;
            await TallyAsync();
            batch.Clear();
        }
        await TallyAsync();
        return tally.Report(candidate.Id, caseFailures, from, to, page, pageSize, changed);

        // Re-decides a batch on every core, then counts it in log order, so pages of changed decisions are stable.
        async Task TallyAsync()
        {
            var redecided = new Redecided[batch.Count];
            await Parallel.ForEachAsync(Enumerable.Range(0, batch.Count), cancellationToken, async (i, token) =>
            {
                var recorded = JsonSerializer.Deserialize<DecisionResponse>(batch[i].ResponseJson, ContractJson.Options)!;
                var application = JsonSerializer.Deserialize<LoanApplication>(batch[i].RequestJson, ContractJson.Options)!;
                var portfolio = await portfolios.GetOrAdd(recorded.Portfolio.Version, version => replayer.PortfolioAsync(version, token));
                var again = DecisionPipeline.Evaluate(candidate, portfolio, application, recorded.DecisionId, recorded.DecidedAt);
                redecided[i] = new Redecided(recorded, again, Differences(batch[i].ResponseJson, again));
            });
            foreach (var (recorded, again, differences) in redecided)
            {
                tally.Add(recorded, again);
                if (differences.Count == 0) continue;
                if (tally.Changed++ >= skip && changed.Count < pageSize)
                {
                    changed.Add(new ChangedDecision(recorded.DecisionId, recorded.ApplicationId, recorded.Outcome, again.Outcome,
                        recorded.Limit.ApprovedAmount, again.Limit.ApprovedAmount, differences));
                }
            }
        }
    }

    private sealed record Redecided(DecisionResponse Recorded, DecisionResponse Candidate, List<JsonDifference> Differences);

    private static List<JsonDifference> Differences(string recordedJson, DecisionResponse candidate) =>
        [.. JsonDifferences.Between(JsonNode.Parse(recordedJson), JsonSerializer.SerializeToNode(candidate, ContractJson.Options))
            .Where(d => !NotCompared.Any(prefix => d.Path == prefix || d.Path.StartsWith(prefix + ".", StringComparison.Ordinal) || d.Path.StartsWith(prefix + "[", StringComparison.Ordinal)))];

    private sealed class Tally
    {
        private static readonly string[] Outcomes = [DecisionPipeline.Approve, DecisionPipeline.Refer, DecisionPipeline.Decline];

        private readonly Side _recorded = new();
        private readonly Side _candidate = new();
        private readonly Dictionary<string, Dictionary<string, long>> _migration = Outcomes.ToDictionary(o => o, _ => Outcomes.ToDictionary(p => p, _ => 0L));
        private readonly SortedDictionary<string, long> _newReasons = new(StringComparer.Ordinal);
        private long _decisions;

        public long Changed { get; set; }

        public void Add(DecisionResponse recorded, DecisionResponse candidate)
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
        }

        public BacktestReport Report(string snapshotId, IReadOnlyList<RuleError> caseFailures, DateTimeOffset? from, DateTimeOffset? to, int page, int pageSize, IReadOnlyList<ChangedDecision> changed)
        {
            var grades = _recorded.Grades.Keys.Union(_candidate.Grades.Keys).OrderBy(g => _recorded.Ranks.GetValueOrDefault(g, _candidate.Ranks.GetValueOrDefault(g))).ToList();
            return new BacktestReport(
                snapshotId, caseFailures, from, to, _decisions, _recorded.Figures(_decisions), _candidate.Figures(_decisions),
                _migration.ToDictionary(pair => pair.Key, pair => (IReadOnlyDictionary<string, long>)pair.Value),
                [.. grades.Select(grade => GradeFigures(grade))],
                _newReasons, Changed, page, pageSize, changed);
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
            public Dictionary<string, long> Outcomes { get; } = Tally.Outcomes.ToDictionary(o => o, _ => 0L);
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
}
