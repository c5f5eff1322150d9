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

    /// <summary>
    /// The approved amount plus what the borrower's group already owes the bank (the borrower's own existing exposure
    /// when it is in no group or no loan book is loaded): the credit an approval authority signs for.
    /// </summary>
    public required decimal CreditExposureAfter { get; init; }
}

/// <summary>
/// The loan's guarantors measured by the recognition factors of the limit ruleset's Settings.GuaranteeRecognition,
/// as <c>guarantees.*</c> from the approval stage on (a guarantor's grade is compared with the borrower's).
/// </summary>
public sealed class GuaranteeFacts
{
    public static readonly GuaranteeFacts None = new() { Count = 0, Total = 0m, Recognised = 0m, RelatedParty = 0m };

    public required int Count { get; init; }

    /// <summary>Every guarantor's amount, recognised or not.</summary>
    public required decimal Total { get; init; }

    /// <summary>The sum of each guarantor's amount times its recognition factor: what counts as security.</summary>
    public required decimal Recognised { get; init; }

    /// <summary>The amounts guaranteed by related parties of the borrower.</summary>
    public required decimal RelatedParty { get; init; }
}
