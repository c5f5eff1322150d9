namespace CreditDecision.Core.Contracts;

/// <summary>A complete, explained credit decision.</summary>
public sealed record DecisionResponse
{
    /// <summary>Identifier of this decision (time-ordered).</summary>
    public required Guid DecisionId { get; init; }

    /// <summary>The caller's application identifier, echoed.</summary>
    public required string ApplicationId { get; init; }

    /// <summary>The business date the decision was made for.</summary>
    public required DateOnly EvaluationDate { get; init; }

    /// <summary>When the service made the decision (UTC). Not an input to any rule.</summary>
    public required DateTimeOffset DecidedAt { get; init; }

    /// <summary><c>approve</c>, <c>refer</c> (to a credit officer) or <c>decline</c>.</summary>
    [ClosedSet(Decisions.DecisionPipeline.Approve, Decisions.DecisionPipeline.Refer, Decisions.DecisionPipeline.Decline)]
    public required string Outcome { get; init; }

    /// <summary>Every approval rule that fired, worst first; empty for a clean approval.</summary>
    public required IReadOnlyList<DecisionReason> Reasons { get; init; }

    /// <summary>
    /// Optional: the reasons of the outcome in words the customer can be given, in English and Simplified Chinese: a
    /// decline's knock-outs or a referral's reasons, at most four, most important first (in the order of
    /// <c>reasons</c>), one per reason code. Empty for an approval. Absent when the rules carry no customer texts
    /// (decisions made before they existed).
    /// </summary>
    public IReadOnlyList<CustomerReason>? CustomerReasons { get; init; }

    /// <summary>Customer rating from the scorecard.</summary>
    public required RatingResult Rating { get; init; }

    /// <summary>
    /// Optional: <c>micro</c>, <c>small</c>, <c>medium</c>, <c>large</c> or <c>unclassified</c>, the enterprise size under
    /// the national SME size standard the rating ruleset carries. Absent when the rules carry no size standard
    /// (decisions made before it existed).
    /// </summary>
    public string? EnterpriseSize { get; init; }

    /// <summary>Approved amount and the policy cap that bound it.</summary>
    public required LimitResult Limit { get; init; }

    /// <summary>
    /// Optional: who may approve the credit (approved amount plus the group's existing exposure), from the authority
    /// ruleset's matrix, e.g. <c>automatic</c>, <c>branch-officer</c>, <c>branch-committee</c>, <c>head-office</c>. Anything
    /// above the first (automatic) level refers the application; a referral needs at least the level after it; a
    /// decline needs no approval and shows the first level. Absent when the rules have no authority stage (decisions
    /// made before it existed).
    /// </summary>
    public string? AuthorityLevel { get; init; }

    /// <summary>Price and Basel risk measures of the approved amount.</summary>
    public required PricingResult Pricing { get; init; }

    /// <summary>Highest early-warning level raised at origination: green, yellow, orange or red.</summary>
    [ClosedSet(typeof(Rules.WarningLevel))]
    public required string WarningLevel { get; init; }

    /// <summary>Early-warning signals visible at application time.</summary>
    public required IReadOnlyList<WarningSignal> Warnings { get; init; }

    /// <summary>The exact ruleset versions this decision was made with.</summary>
    public required IReadOnlyList<RulesetVersionRef> Rulesets { get; init; }

    /// <summary>The portfolio version concentration rules measured the application against.</summary>
    public required PortfolioRef Portfolio { get; init; }

    /// <summary>
    /// The rules' results, per stage: in a <c>POST /decide</c> response the rules that fired (the default), every rule
    /// evaluated (<c>trace=full</c>) or no stages (<c>trace=none</c>); in the decision log always every rule evaluated.
    /// </summary>
    public required IReadOnlyList<StageTrace> Trace { get; init; }
}

/// <summary>Why a decision is not a clean approval.</summary>
public sealed record DecisionReason(
    string Code, [property: ClosedSet(Decisions.DecisionPipeline.Decline, Decisions.DecisionPipeline.Refer)] string Effect, string Message, string Ruleset, string Rule);

/// <summary>A reason for a decline or referral, in words for the customer; the text is kept in the rules beside the reason code.</summary>
/// <param name="Code">The reason code it explains, as in <c>reasons</c>.</param>
/// <param name="En">The reason in English.</param>
/// <param name="ZhHans">The reason in Simplified Chinese.</param>
/// <param name="Factors">
/// Optional: for a reason driven by the rating, the scorecard factors that cost the most points against their best
/// bin, most costly first (at most three). Absent for other reasons.
/// </param>
public sealed record CustomerReason(string Code, string En, string ZhHans, IReadOnlyList<CustomerFactor>? Factors = null);

/// <summary>A scorecard factor that cost the applicant points, in words for the customer.</summary>
/// <param name="Factor">The factor, e.g. <c>years-in-business</c>.</param>
/// <param name="PointsBelowBest">How many points the applicant's value scored below the factor's best bin.</param>
/// <param name="En">The factor in English.</param>
/// <param name="ZhHans">The factor in Simplified Chinese.</param>
public sealed record CustomerFactor(string Factor, decimal PointsBelowBest, string En, string ZhHans);

/// <summary>Scorecard result.</summary>
/// <param name="Score">Scorecard points.</param>
/// <param name="Grade">Grade on the bank's master scale, best first (AAA .. C, and D for a borrower in default).</param>
/// <param name="GradeRank">Position of the grade on the scale, 1 = best.</param>
/// <param name="Pd">One-year probability of default of the grade, as a fraction.</param>
public sealed record RatingResult(decimal Score, string Grade, int GradeRank, decimal Pd);

/// <summary>Limit result.</summary>
/// <param name="RequestedAmount">Amount asked for.</param>
/// <param name="ApprovedAmount">Amount the bank will lend; 0 for a decline.</param>
/// <param name="BindingCap">The cap that set the approved amount (<c>declined</c> for a decline).</param>
/// <param name="Caps">Every cap that applied, with its amount.</param>
public sealed record LimitResult(decimal RequestedAmount, decimal ApprovedAmount, string BindingCap, IReadOnlyList<LimitCap> Caps);

/// <summary>One policy cap on the amount.</summary>
public sealed record LimitCap(string Cap, decimal Amount, string Rule);

/// <summary>Pricing and Basel measures.</summary>
/// <param name="AnnualRate">Annual interest rate as a fraction, after floor and cap.</param>
/// <param name="Components">The rate components that add up to the rate before floor and cap.</param>
/// <param name="Pd">Probability of default used (from the rating).</param>
/// <param name="Lgd">Loss given default for the collateral offered.</param>
/// <param name="Ead">Exposure at default.</param>
/// <param name="ExpectedLoss">PD x LGD x EAD.</param>
/// <param name="RiskWeight">Basel standardised risk weight of the part of the EAD not covered by cash collateral.</param>
/// <param name="RiskWeightedAssets">(EAD - covered exposure) x risk weight: the covered part takes a 0 % weight.</param>
/// <param name="CoveredExposure">
/// Optional: the part of the EAD covered by collateral that takes a 0 % risk weight (cash on deposit with the bank).
/// Absent when the pricing ruleset has no covered-exposure rule (decisions made before it existed).
/// </param>
public sealed record PricingResult(
    decimal AnnualRate,
    IReadOnlyList<RateComponent> Components,
    decimal Pd,
    decimal Lgd,
    decimal Ead,
    decimal ExpectedLoss,
    decimal RiskWeight,
    decimal RiskWeightedAssets,
    decimal? CoveredExposure = null);

/// <summary>One addend of the annual rate.</summary>
public sealed record RateComponent(string Rule, decimal Rate);

/// <summary>An early-warning signal.</summary>
public sealed record WarningSignal(string Code, [property: ClosedSet(typeof(Rules.WarningLevel))] string Level, string Message, string Rule);

/// <summary>A ruleset version: the SHA-256 of its canonical content.</summary>
public sealed record RulesetVersionRef(string Name, [property: ClosedSet(typeof(Rules.Stage))] string Stage, string Version, string? Label);

/// <summary>A portfolio version: the SHA-256 of its canonical content, and the date of its exposures.</summary>
public sealed record PortfolioRef(string Version, DateOnly? AsOf);

/// <summary>What one stage evaluated.</summary>
public sealed record StageTrace([property: ClosedSet(typeof(Rules.Stage))] string Stage, string Ruleset, string Version, IReadOnlyList<RuleTrace> Rules);

/// <summary>
/// One rule's result. <c>Value</c> is the points, cap or rate it produced when it fired; <c>Code</c> the reason or
/// warning code, or the approval level of an authority rule.
/// </summary>
public sealed record RuleTrace(string Rule, bool Fired, decimal? Value = null, string? Code = null);
