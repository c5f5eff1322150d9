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

    /// <summary>
    /// The ruleset as a RulesEngine workflow, parameters inlined: the exact expressions the rules' delegates were
    /// compiled from, for running the same rules in RulesEngine's own workflow executor.
    /// </summary>
    public required RulesEngine.Models.Workflow Workflow { get; init; }

    public RulesetVersionRef ToVersionRef() => new(Name, Stage.WireName(), Version, Label);
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
}

/// <summary>A grade of the master scale: scores at or above <see cref="MinScore"/> get it, with its PD.</summary>
public sealed record GradeBand(string Grade, decimal MinScore, decimal Pd);
