using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using CreditDecision.Core.Contracts;
using CreditDecision.Core.Rules;

namespace CreditDecision.Core.Telemetry;

/// <summary>
/// Every metric the service publishes, on one meter made by the host's <see cref="IMeterFactory"/>, so each host (and
/// each test's host) counts only its own work. Only live work is measured: decisions and reviews answered to a
/// caller, not replays, backtests or the challenger's shadow evaluations (which have their own agreement counter).
/// Rule hits are counted in plain arrays per ruleset version (an increment per fired rule) and read only when
/// metrics are collected, so the hot path pays a few nanoseconds per rule, not a metric call per rule.
/// </summary>
public sealed class ServiceMetrics
{
    public const string MeterName = "CreditDecision";

    /// <summary>Instrument names that the host gives their own histogram buckets.</summary>
    public const string DecisionDurationName = "creditdecision.decision.duration";
    public const string StageDurationName = "creditdecision.stage.duration";
    public const string LogWriteDurationName = "creditdecision.log.write.duration";
    public const string LogBatchSizeName = "creditdecision.log.batch.size";

    private readonly ConcurrentDictionary<(string Ruleset, string Version), RuleHits> _hits = new();
    private volatile RulesetSnapshot? _activeRules;

    public ServiceMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        Decisions = meter.CreateCounter<long>("creditdecision.decisions", "{decision}", "Decisions made, by outcome and product.");
        DecisionDuration = meter.CreateHistogram<double>(
            DecisionDurationName, "s", "Time to validate and evaluate an application, end to end in process, before logging.");
        StageDuration = meter.CreateHistogram<double>(StageDurationName, "s", "Time to evaluate one decision stage, by stage.");
        ReasonCodes = meter.CreateCounter<long>("creditdecision.reason_codes", "{reason}", "Reason codes given in decisions, by code and effect.");
        WarningLevels = meter.CreateCounter<long>("creditdecision.warning_levels", "{decision}", "Early-warning level of each decision, by level.");
        LogWriteDuration = meter.CreateHistogram<double>(LogWriteDurationName, "s", "Time to write and commit one batch to the decision log.");
        LogBatchSize = meter.CreateHistogram<long>(LogBatchSizeName, "{record}", "Records per decision log commit (group commit).");
        RulesReloads = meter.CreateCounter<long>("creditdecision.rules.reloads", "{reload}",
            "Attempts to load a rules folder, by folder (champion, challenger) and result (activated, unchanged, refused).");
        ChallengerResults = meter.CreateCounter<long>("creditdecision.challenger.results", "{decision}",
            "Challenger evaluations, by whether the challenger's outcome agrees with the champion's.");
        MonitoringReviews = meter.CreateCounter<long>("creditdecision.monitoring.reviews", "{review}", "Loans reviewed by POST /monitor, by warning level.");
        meter.CreateObservableCounter("creditdecision.rule.hits", ObserveRuleHits, "{decision}",
            "Live decisions in which a rule fired, by ruleset, version and rule; divide by creditdecision.ruleset.evaluations for the hit rate.");
        meter.CreateObservableCounter("creditdecision.ruleset.evaluations", ObserveEvaluations, "{decision}",
            "Live evaluations of a ruleset version, by ruleset and version.");
        meter.CreateObservableGauge("creditdecision.rules.active", ObserveActiveRules, "{snapshot}",
            "1 for the version set deciding now, with its snapshot id and each ruleset's version as labels.");
    }

    public Counter<long> Decisions { get; }
    public Histogram<double> DecisionDuration { get; }
    public Histogram<double> StageDuration { get; }
    public Counter<long> ReasonCodes { get; }
    public Counter<long> WarningLevels { get; }
    public Histogram<double> LogWriteDuration { get; }
    public Histogram<long> LogBatchSize { get; }
    public Counter<long> RulesReloads { get; }
    public Counter<long> ChallengerResults { get; }
    public Counter<long> MonitoringReviews { get; }

    /// <summary>Counts a live decision: outcome, product, reasons, warning level, time, and which rules fired.</summary>
    public void RecordDecision(LoanApplication application, DecisionResponse response, long startedAt, StageTimings timings)
    {
        var product = application.Request?.Product?.ToString() ?? "unknown";
        Decisions.Add(1, new("outcome", response.Outcome), new("product", product));
        DecisionDuration.Record(Stopwatch.GetElapsedTime(startedAt).TotalSeconds);
        timings.Record(StageDuration);
        foreach (var reason in response.Reasons) ReasonCodes.Add(1, new("code", reason.Code), new("effect", reason.Effect));
        WarningLevels.Add(1, new KeyValuePair<string, object?>("level", response.WarningLevel));
        foreach (var stage in response.Trace) CountHits(stage);
    }

    /// <summary>The version set deciding now, for <c>creditdecision.rules.active</c>.</summary>
    public void SetActiveRules(RulesetSnapshot? snapshot) => _activeRules = snapshot;

    /// <summary>Live hit counts of one ruleset version since the process started: rule name to hits, and the evaluations.</summary>
    public (long Evaluations, IReadOnlyDictionary<string, long> Hits) HitsOf(string ruleset, string version) =>
        _hits.TryGetValue((ruleset, version), out var hits)
            ? (Interlocked.Read(ref hits.Evaluations), hits.Rules.Select((rule, i) => (rule, Interlocked.Read(ref hits.Counts[i]))).ToDictionary(p => p.rule, p => p.Item2))
            : (0, new Dictionary<string, long>());

    private void CountHits(StageTrace stage)
    {
        var hits = _hits.GetOrAdd((stage.Ruleset, stage.Version), static (_, rules) => new RuleHits([.. rules.Select(r => r.Rule)]), stage.Rules);
        Interlocked.Increment(ref hits.Evaluations);
        for (var i = 0; i < stage.Rules.Count && i < hits.Counts.Length; i++)
        {
            if (stage.Rules[i].Fired) Interlocked.Increment(ref hits.Counts[i]);
        }
    }

    private IEnumerable<Measurement<long>> ObserveRuleHits() =>
        _hits.SelectMany(pair => pair.Value.Rules.Select((rule, i) => new Measurement<long>(Interlocked.Read(ref pair.Value.Counts[i]),
            new("ruleset", pair.Key.Ruleset), new("version", pair.Key.Version), new("rule", rule))));

    private IEnumerable<Measurement<long>> ObserveEvaluations() =>
        _hits.Select(pair => new Measurement<long>(Interlocked.Read(ref pair.Value.Evaluations), new("ruleset", pair.Key.Ruleset), new("version", pair.Key.Version)));

    private IEnumerable<Measurement<int>> ObserveActiveRules() =>
        _activeRules is { } snapshot
            ? [new Measurement<int>(1, [new("snapshot", snapshot.Id), .. snapshot.All.Select(r => new KeyValuePair<string, object?>(r.Name, r.Version[..12]))])]
            : [];

    private sealed class RuleHits(string[] rules)
    {
        public readonly string[] Rules = rules;
        public readonly long[] Counts = new long[rules.Length];
        public long Evaluations;
    }
}

/// <summary>Start and end timestamps of each decision stage, taken only for live decisions.</summary>
public sealed class StageTimings
{
    private readonly long[] _elapsed = new long[Stages.DecisionOrder.Count];

    /// <summary>Records that <paramref name="stage"/> took <paramref name="ticks"/> stopwatch ticks.</summary>
    public void Set(Stage stage, long ticks)
    {
        for (var i = 0; i < _elapsed.Length; i++)
        {
            if (Stages.DecisionOrder[i] == stage) _elapsed[i] = ticks;
        }
    }

    internal void Record(Histogram<double> stageDuration)
    {
        for (var i = 0; i < _elapsed.Length; i++)
        {
            stageDuration.Record((double)_elapsed[i] / Stopwatch.Frequency, new KeyValuePair<string, object?>("stage", Stages.DecisionOrder[i].WireName()));
        }
    }
}
