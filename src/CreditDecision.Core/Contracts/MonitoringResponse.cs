namespace CreditDecision.Core.Contracts;

/// <summary>The post-loan review of one loan: signals, warning level, where it stands on the recovery path, and a re-grade.</summary>
public sealed record MonitoringResult
{
    /// <summary>Identifier of this review in the decision log (time-ordered).</summary>
    public required Guid MonitoringId { get; init; }

    public required string LoanId { get; init; }
    public required string EnterpriseId { get; init; }
    public required DateOnly EvaluationDate { get; init; }

    /// <summary>When the service made the review (UTC). Not an input to any rule.</summary>
    public required DateTimeOffset ReviewedAt { get; init; }

    /// <summary>Highest level among the signals: green, yellow, orange or red.</summary>
    [ClosedSet(typeof(Rules.WarningLevel))]
    public required string WarningLevel { get; init; }

    /// <summary>Every signal that fired, in rule order.</summary>
    public required IReadOnlyList<MonitoringSignal> Signals { get; init; }

    /// <summary><c>none</c>, <c>watch</c>, <c>soft-recovery</c>, <c>credit-recovery</c> or <c>hard-recovery</c>.</summary>
    [ClosedSet(typeof(Rules.RecoveryPhase))]
    public required string RecoveryPhase { get; init; }

    /// <summary>The most severe action the signals call for (<c>none</c> when none fired).</summary>
    [ClosedSet(typeof(Rules.RecoveryAction))]
    public required string RecommendedAction { get; init; }

    /// <summary>Every distinct action the signals call for, mildest first.</summary>
    [ClosedSet(typeof(Rules.RecoveryAction))]
    public required IReadOnlyList<string> Actions { get; init; }

    public required string CurrentGrade { get; init; }

    /// <summary>The grade after moving down by <see cref="DowngradeNotches"/>, never below the worst grade.</summary>
    public required string SuggestedGrade { get; init; }

    /// <summary>The largest downgrade any fired signal calls for.</summary>
    public required int DowngradeNotches { get; init; }

    /// <summary>The ruleset versions used: the monitoring ruleset, and the rating ruleset for its master scale.</summary>
    public required IReadOnlyList<RulesetVersionRef> Rulesets { get; init; }

    public required IReadOnlyList<StageTrace> Trace { get; init; }
}

/// <summary>A post-loan warning signal and what it calls for.</summary>
public sealed record MonitoringSignal(
    string Code,
    [property: ClosedSet(typeof(Rules.WarningLevel))] string Level,
    [property: ClosedSet(typeof(Rules.RecoveryAction))] string Action, int Downgrade, string Message, string Rule);
