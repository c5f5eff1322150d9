using CreditDecision.Core.Rules;

namespace CreditDecision.Core.Vocabulary;

/// <summary>
/// A review's grade once its signals and default triggers have been evaluated, measured against the loan's
/// origination, as <c>grading.*</c> in the monitoring ruleset's classification and stage rules.
/// </summary>
public sealed class GradingFacts
{
    /// <summary>The grade after the review (the suggested grade): the default grade when a default trigger fired.</summary>
    public required string Grade { get; init; }

    /// <summary>Position of <see cref="Grade"/> on the master scale, 1 = best.</summary>
    public required int GradeRank { get; init; }

    /// <summary>A default trigger fired, or the loan already holds the default grade: credit-impaired.</summary>
    public required bool InDefault { get; init; }

    /// <summary>The review's warning level: green, yellow, orange or red.</summary>
    public required string WarningLevel { get; init; }

    /// <summary>The grade when the loan was granted.</summary>
    public required string OriginationGrade { get; init; }

    public required int OriginationGradeRank { get; init; }

    /// <summary><see cref="GradeRank"/> less <see cref="OriginationGradeRank"/>: notches worse than at origination (negative: better).</summary>
    public required int NotchesSinceOrigination { get; init; }

    /// <summary>The origination figures come from the decision log (not the caller's records or assumptions).</summary>
    public required bool Linked { get; init; }

    public const string ReadTooEarlyReason =
        "reads grading, which is known only once the signals and default triggers have been evaluated: a signal or default trigger may read review only";

    /// <summary>Signals and default triggers set the grade, so they cannot read it.</summary>
    public static bool ReadTooEarly(Stage stage, RuleSpec spec, IReadOnlySet<System.Linq.Expressions.ParameterExpression> reads) =>
        stage == Stage.Monitoring && (spec.Code is not null || spec.DefaultTrigger) && reads.Any(input => input.Name == "grading");
}
