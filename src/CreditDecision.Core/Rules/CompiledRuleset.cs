using System.Collections.Immutable;
using CreditDecision.Core.Contracts;

namespace CreditDecision.Core.Rules;

/// <summary>A validated ruleset, compiled into its own RulesEngine instance. Immutable once built.</summary>
public sealed class CompiledRuleset
{
    public required string Name { get; init; }
    public required Stage Stage { get; init; }

    /// <summary>SHA-256 of the file's canonical JSON.</summary>
    public required string Version { get; init; }

    public required string? Label { get; init; }
    public required DateOnly? EffectiveDate { get; init; }
    public required string? Description { get; init; }
    public required string SourceFile { get; init; }

    /// <summary>The file exactly as read.</summary>
    public required ImmutableArray<byte> SourceContent { get; init; }

    /// <summary>The file's canonical JSON, exactly what <see cref="Version"/> hashes.</summary>
    public required ImmutableArray<byte> CanonicalContent { get; init; }

    /// <summary>Enabled rules, in file order: the order RulesEngine evaluates and returns them.</summary>
    public required ImmutableArray<CompiledRule> Rules { get; init; }

    public required StageSettings Settings { get; init; }

    /// <summary>The file's named <c>Parameters</c>, for code that reads a policy value rather than a rule (e.g. <see cref="Decisions.DefaultDefinition"/>).</summary>
    public ImmutableDictionary<string, System.Text.Json.JsonElement> Parameters { get; init; } = ImmutableDictionary<string, System.Text.Json.JsonElement>.Empty;

    /// <summary>
    /// The ruleset as a RulesEngine workflow, parameters inlined: the exact expressions the rules' delegates were
    /// compiled from, for running the same rules in RulesEngine's own workflow executor.
    /// </summary>
    public required RulesEngine.Models.Workflow Workflow { get; init; }

    public RulesetVersionRef ToVersionRef() => new(Name, Stage.WireName(), Version, Label);

    /// <summary>Approval: its reasons carry words for customers (the compiler lets all of them do, or none).</summary>
    public bool TellsCustomers => _tellsCustomers ??= Rules.Any(rule => rule.Spec.Customer is not null);

    // Built on first use; two threads racing build equal values.
    private bool? _tellsCustomers;
}

/// <summary>One enabled rule with its stage-specific fields.</summary>
public sealed class CompiledRule
{
    public required string Name { get; init; }
    public required string? Description { get; init; }
    public required string Expression { get; init; }
    public required RuleSpec Spec { get; init; }

    /// <summary>The compiled <c>Expression</c>: whether the rule fires.</summary>
    public required Func<DecisionFacts, bool> Condition { get; init; }

    /// <summary>The compiled <c>Output</c> expression, for rules that produce a value when they fire.</summary>
    public Func<DecisionFacts, decimal>? Output { get; init; }

    /// <summary>The <c>Output</c> expression as written.</summary>
    public string? OutputExpression { get; init; }

    /// <summary>The trace of the rule when it does not fire: the same for every decision, so made once.</summary>
    public RuleTrace Silent => _silent ??= new RuleTrace(Name, false);

    /// <summary>
    /// The trace of a rule whose firing always reports the same thing: a scorecard bin's points, a default trigger,
    /// or a reason, warning or signal code or approval level. Limit and pricing rules report computed values instead.
    /// </summary>
    public RuleTrace Fired => _fired ??= new RuleTrace(
        Name, true, Spec.Factor is not null ? Spec.Points : Spec.StageTrigger, Spec.Code ?? Spec.AuthorityLevel ?? Spec.ClassificationName);

    // Built on first use; two threads racing build equal values, either of which may be kept.
    private RuleTrace? _silent;
    private RuleTrace? _fired;
}

/// <summary>The stage-specific fields a rule's <c>Properties</c> carry; which ones are required depends on the stage.</summary>
public sealed record RuleSpec
{
    /// <summary>Rating: the scorecard factor this bin belongs to.</summary>
    public string? Factor { get; init; }

    /// <summary>Rating: points added to the score when the rule fires.</summary>
    public decimal Points { get; init; }

    /// <summary>Approval: <c>decline</c> or <c>refer</c>.</summary>
    public string? Effect { get; init; }

    /// <summary>Approval and early warning: the stable code reported when the rule fires.</summary>
    public string? Code { get; init; }

    /// <summary>Approval and early warning: the message reported when the rule fires.</summary>
    public string? Message { get; init; }

    /// <summary>Approval reasons: what the customer is told when the reason is given; null when the file has none.</summary>
    public CustomerText? Customer { get; init; }

    /// <summary>Limit: the name of the cap the rule's output imposes.</summary>
    public string? Cap { get; init; }

    /// <summary>Pricing: what the rule's output sets.</summary>
    public PricingMeasure Sets { get; init; }

    /// <summary>Early warning and monitoring: yellow, orange or red.</summary>
    public WarningLevel Level { get; init; }

    /// <summary>Monitoring: the step on the recovery path the signal calls for.</summary>
    public RecoveryAction Action { get; init; }

    /// <summary>Monitoring: notches the loan's grade should move down when the signal fires.</summary>
    public int Downgrade { get; init; }

    /// <summary>Rating: the rule is a default trigger; when it fires the borrower gets the master scale's default grade.</summary>
    public bool DefaultTrigger { get; init; }

    /// <summary>Authority: the approval level the credit needs at least when the rule fires.</summary>
    public string? AuthorityLevel { get; init; }

    /// <summary>Monitoring: the classification the loan gets at least when the rule fires.</summary>
    public LoanClassification? Classification { get; init; }

    /// <summary>Monitoring: the IFRS 9 stage the loan is in at least when the rule fires (a significant increase in credit risk: 2).</summary>
    public int? StageTrigger { get; init; }

    /// <summary>The classification as rule files and responses write it, e.g. <c>special-mention</c>.</summary>
    public string? ClassificationName => Classification is { } classification ? KebabCase.Of(classification) : null;
}

/// <summary>What a pricing rule's output sets.</summary>
public enum PricingMeasure
{
    None,
    Rate,
    RateFloor,
    RateCap,
    Lgd,
    Ead,
    RiskWeight,

    /// <summary>The part of the EAD covered by collateral that takes a 0 % risk weight (cash on deposit with the bank).</summary>
    CoveredExposure,
}

/// <summary>Early-warning levels, in increasing severity.</summary>
public enum WarningLevel
{
    Green,
    Yellow,
    Orange,
    Red,
}

/// <summary>Stage-wide settings from a ruleset's <c>Settings</c>.</summary>
public sealed record StageSettings
{
    public static readonly StageSettings None = new();

    /// <summary>Rating: points every applicant starts from.</summary>
    public decimal BasePoints { get; init; }

    /// <summary>Rating: the master scale, best grade first.</summary>
    public ImmutableArray<GradeBand> Grades { get; init; } = [];

    /// <summary>Limit: the approved amount is rounded down to a multiple of this (0: to the cent).</summary>
    public decimal RoundDownTo { get; init; }

    /// <summary>Limit: the smallest amount the bank lends; below it <see cref="BelowMinimum"/> applies.</summary>
    public decimal MinimumAmount { get; init; }

    /// <summary>Limit: what happens when the caps leave less than <see cref="MinimumAmount"/> (effect, code, message).</summary>
    public RuleSpec? BelowMinimum { get; init; }

    /// <summary>Rating: each scorecard factor in words for customers; null when the file has none.</summary>
    public ImmutableDictionary<string, CustomerText>? CustomerFactors { get; init; }

    /// <summary>Rating: the national SME size standard the enterprise size is derived from; null when the file has none.</summary>
    public SizeStandard? EnterpriseSize { get; init; }

    /// <summary>Limit: the stress rate and repayment profiles of the pro-forma debt service; null when the file has none.</summary>
    public DebtServicePolicy? DebtService { get; init; }

    /// <summary>Limit: how much of each guarantor's amount counts as security; null when the file has none (nothing counts).</summary>
    public GuaranteeRecognition? GuaranteeRecognition { get; init; }

    /// <summary>Early warning: the level from which a signal refers the application, and the reason given; null for none.</summary>
    public WarningReferral? WarningReferral { get; init; }

    /// <summary>Authority: the approval levels, lowest (automatic) first.</summary>
    public ImmutableArray<string> AuthorityLevels { get; init; } = [];

    /// <summary>Authority: the reason given when the credit needs more than the first level.</summary>
    public RuleSpec? AuthorityReferral { get; init; }

    /// <summary>Monitoring: forward PDs by grade, for lifetime expected credit loss; null when the ruleset does not provision.</summary>
    public Provisioning.PdTermStructure? PdTermStructure { get; init; }

    /// <summary>Monitoring: the standardised risk weights of a defaulted exposure; null when the ruleset does not provision.</summary>
    public Provisioning.DefaultedExposurePolicy? DefaultedExposure { get; init; }

    /// <summary>Authority: what a credit officer may record as a final decision; null when the file has none (no final decisions).</summary>
    public FinalDecisionPolicy? FinalDecisions { get; init; }

    /// <summary>Rating: the grade borrowers in default get, the last of the scale; null when the scale has none.</summary>
    public GradeBand? DefaultGrade => Grades.Length > 0 && Grades[^1].IsDefault ? Grades[^1] : null;

    /// <summary>Rating: the grades a score can reach (all but the default grade), best first.</summary>
    public int ScoredGradeCount => DefaultGrade is null ? Grades.Length : Grades.Length - 1;
}

/// <summary>
/// A grade of the master scale with its PD. Scores at or above <see cref="MinScore"/> get it; the last scored grade
/// takes every lower score. The default grade (<see cref="IsDefault"/>) takes no score: default triggers assign it.
/// </summary>
public sealed record GradeBand(string Grade, decimal? MinScore, decimal Pd, bool IsDefault = false);

/// <summary>The national SME size standard: per industry item, the thresholds a large, medium and small enterprise meets.</summary>
/// <param name="ByIndustry">One row per <see cref="SizeStandardIndustry"/>, in the enum's order.</param>
public sealed record SizeStandard(ImmutableArray<SizeThresholds> ByIndustry)
{
    public SizeThresholds For(SizeStandardIndustry industry) => ByIndustry[(int)industry];
}

/// <summary>
/// One industry item of the size standard. An enterprise is large if it meets every <see cref="Large"/> threshold,
/// else medium if it meets every <see cref="Medium"/> one, else small if it meets every <see cref="Small"/> one,
/// else micro.
/// </summary>
public sealed record SizeThresholds(SizeTest Large, SizeTest Medium, SizeTest Small);

/// <summary>Lower bounds, each optional: employees, revenue, total assets. An enterprise meets the test when it reaches every bound given.</summary>
public sealed record SizeTest(decimal? Employees, decimal? Revenue, decimal? TotalAssets)
{
    public bool IsMetBy(decimal employees, decimal revenue, decimal totalAssets) =>
        employees >= (Employees ?? 0m) && revenue >= (Revenue ?? 0m) && totalAssets >= (TotalAssets ?? 0m);
}

/// <summary>How a loan's debt service is stressed: the rate, and the products repaid from the working-capital cycle (interest only).</summary>
public sealed record DebtServicePolicy(decimal StressRate, ImmutableArray<Product> InterestOnlyProducts);

/// <summary>
/// Recognition factors of guarantees: by guarantor type; a related party's guarantee, and that of a guarantor graded
/// below the borrower (or an enterprise without a grade), take their own factor instead.
/// </summary>
/// <param name="ByType">One factor per <see cref="GuarantorType"/>, in the enum's order.</param>
public sealed record GuaranteeRecognition(ImmutableArray<decimal> ByType, decimal RelatedParty, decimal WeakerThanBorrower)
{
    public decimal For(GuarantorType type) => ByType[(int)type];
}

/// <summary>From <see cref="Level"/> up, an origination warning refers an application that is not declined, with <see cref="Reason"/>.</summary>
public sealed record WarningReferral(WarningLevel Level, RuleSpec Reason);
