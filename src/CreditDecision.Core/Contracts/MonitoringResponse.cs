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

    /// <summary>
    /// The grade after moving down by <see cref="DowngradeNotches"/>, never past the last scored grade; the master scale's
    /// default grade when a default trigger fired (rulesets that provision) or the loan already holds it.
    /// </summary>
    public required string SuggestedGrade { get; init; }

    /// <summary>The largest downgrade any fired signal calls for.</summary>
    public required int DowngradeNotches { get; init; }

    // The fields below are present only when the monitoring ruleset classifies, stages and provisions (from the 2027-Q1
    // policy on): a review made with an earlier ruleset is stored and replayed without them.

    /// <summary>
    /// Optional: the five-tier loan classification, <c>normal</c>, <c>special-mention</c>, <c>substandard</c>,
    /// <c>doubtful</c> or <c>loss</c> (the last three are non-performing): the worst floor of the classification rules that fired.
    /// </summary>
    [ClosedSet(typeof(LoanClassification))]
    public string? Classification { get; init; }

    /// <summary>Optional: the IFRS 9 / CAS 22 stage: 1 (12-month expected loss), 2 (significant increase in credit risk) or 3 (credit-impaired, in default).</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 3)]
    public int? Stage { get; init; }

    /// <summary>Optional: probability of default within the next twelve months (or the remaining life when shorter), at <c>suggestedGrade</c>.</summary>
    public decimal? Pd12m { get; init; }

    /// <summary>Optional: probability of default over the loan's remaining life, from the PD term structure of the grade.</summary>
    public decimal? PdLifetime { get; init; }

    /// <summary>Optional: loss given default, by the pricing ruleset's LGD method on today's collateral value and exposure.</summary>
    public decimal? Lgd { get; init; }

    /// <summary>Optional: the principal outstanding, as reviewed (the balance the non-performing ratio counts).</summary>
    public decimal? OutstandingAmount { get; init; }

    /// <summary>Optional: exposure at default: the outstanding amount plus the undrawn amount times its conversion factor.</summary>
    public decimal? Ead { get; init; }

    /// <summary>Optional: <c>12-month</c> in stage 1, <c>lifetime</c> in stages 2 and 3.</summary>
    [ClosedSet("12-month", "lifetime")]
    public string? EclHorizon { get; init; }

    /// <summary>Optional: expected credit loss, discounted at the loan's effective rate; in stage 3 the loss given default on the exposure.</summary>
    public decimal? Ecl { get; init; }

    /// <summary>Optional: standardised risk weight of the exposure (of its part not covered by cash).</summary>
    public decimal? RiskWeight { get; init; }

    /// <summary>Optional: risk-weighted assets: the exposure less the part covered by cash (and, in default, the provision), times the risk weight.</summary>
    public decimal? RiskWeightedAssets { get; init; }

    /// <summary>Optional: the rules and settings that set each figure above.</summary>
    public ProvisioningBasis? SetBy { get; init; }

    /// <summary>Optional: where the loan's origination figures come from, and what they are.</summary>
    public Origination? Origination { get; init; }

    /// <summary>Optional: grade notches between the origination grade and <c>suggestedGrade</c> (positive: worse).</summary>
    public int? NotchesSinceOrigination { get; init; }

    /// <summary>Optional: whole months from the evaluation date to maturity (at least 1), over which lifetime losses are measured.</summary>
    public int? RemainingMonths { get; init; }

    /// <summary>The ruleset versions used: the monitoring ruleset, and the rating ruleset for its master scale.</summary>
    public required IReadOnlyList<RulesetVersionRef> Rulesets { get; init; }

    public required IReadOnlyList<StageTrace> Trace { get; init; }
}

/// <summary>A post-loan warning signal and what it calls for.</summary>
public sealed record MonitoringSignal(
    string Code,
    [property: ClosedSet(typeof(Rules.WarningLevel))] string Level,
    [property: ClosedSet(typeof(Rules.RecoveryAction))] string Action, int Downgrade, string Message, string Rule);
