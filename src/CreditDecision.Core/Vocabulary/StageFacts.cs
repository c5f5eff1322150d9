namespace CreditDecision.Core.Vocabulary;

/// <summary>The rating stage's result, as <c>rating.*</c> in later stages.</summary>
public sealed class RatingFacts
{
    public required decimal Score { get; init; }
    public required string Grade { get; init; }

    /// <summary>Position on the master scale, 1 = best.</summary>
    public required int GradeRank { get; init; }

    public required decimal Pd { get; init; }
}

/// <summary>The approval stage's result, as <c>approval.*</c> in later stages.</summary>
public sealed class ApprovalFacts
{
    /// <summary><c>approve</c>, <c>refer</c> or <c>decline</c>.</summary>
    public required string Outcome { get; init; }
}

/// <summary>The limit stage's result, as <c>limit.*</c> in later stages.</summary>
public sealed class LimitFacts
{
    public required decimal ApprovedAmount { get; init; }
    public required string BindingCap { get; init; }
}
