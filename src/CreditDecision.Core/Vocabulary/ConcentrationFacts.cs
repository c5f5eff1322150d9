namespace CreditDecision.Core.Vocabulary;

/// <summary>
/// The application measured against the loan book, as <c>concentration.*</c> in approval, limit, pricing and
/// early-warning rules. "After" figures add the requested amount to the book, as if the loan were granted.
/// </summary>
public sealed class ConcentrationFacts
{
    /// <summary>Total SME exposure of the book; 0 when no portfolio is loaded (rules should then not fire).</summary>
    public required decimal BookTotal { get; init; }

    public required decimal IndustryExposure { get; init; }

    /// <summary>(industry exposure + amount) / (book total + amount).</summary>
    public required decimal IndustryShareAfter { get; init; }

    public required decimal RegionExposure { get; init; }

    /// <summary>(region exposure + amount) / (book total + amount).</summary>
    public required decimal RegionShareAfter { get; init; }

    /// <summary>The borrower group's exposure today; 0 for an applicant outside any group.</summary>
    public required decimal GroupExposure { get; init; }

    /// <summary>Group exposure + amount (the applicant's own exposure when it belongs to no group).</summary>
    public required decimal GroupExposureAfter { get; init; }

    /// <summary>Group exposure after the loan over the book total after the loan.</summary>
    public required decimal GroupShareAfter { get; init; }
}
