using System.ComponentModel.DataAnnotations;

namespace CreditDecision.Core.Contracts;

/// <summary>A restructuring of a loan under review: its terms were changed because the borrower was in financial difficulty.</summary>
public sealed record Restructuring
{
    /// <summary>The date the changed terms were agreed.</summary>
    [Required] public DateOnly? Date { get; init; }

    /// <summary>
    /// Optional: the start of the observation period: the first repayment date under the changed terms, or the date of the
    /// last missed repayment since, from which the period starts again. The agreement date when left out.
    /// </summary>
    public DateOnly? ObservationStart { get; init; }

    /// <summary>Optional: principal, interest or fees were forgiven or postponed so that the obligation is diminished (false when left out).</summary>
    public bool? DiminishedObligation { get; init; }
}

/// <summary>The loan's origination as the caller's own records hold it, for a review that is not linked to a logged decision.</summary>
public sealed record LoanTerms
{
    /// <summary>The grade on the master scale when the loan was granted.</summary>
    [StringLength(8, MinimumLength = 1)] [Required] public string? OriginationGrade { get; init; }

    [Required] public Product? Product { get; init; }

    /// <summary>Optional: for a revolving line, the bank may cancel the undrawn part at any time without notice (false when left out).</summary>
    public bool? UnconditionallyCancellable { get; init; }

    [Required] public Industry? Industry { get; init; }

    /// <summary>The region code, as applications give it.</summary>
    [StringLength(64, MinimumLength = 1)] [Required] public string? Region { get; init; }

    /// <summary>Optional: the enterprise size under the national SME size standard (<c>unclassified</c> when left out).</summary>
    public SizeClass? EnterpriseSize { get; init; }

    /// <summary>Optional: other credit the borrower has with the bank, beside this loan (0 when left out).</summary>
    [Range(typeof(decimal), "0", ContractBounds.MaxAmount)] public decimal? ExistingExposure { get; init; }

    [Required] public CollateralType? CollateralType { get; init; }

    /// <summary>The collateral's value when the loan was granted (0 when unsecured); <c>collateralValueChange</c> moves it to today's.</summary>
    [Range(typeof(decimal), "0", ContractBounds.MaxAmount)] [Required] public decimal? CollateralValue { get; init; }

    /// <summary>The loan's effective annual interest rate, as a fraction: expected losses are discounted at it.</summary>
    [Range(typeof(decimal), "0", "1")] [Required] public decimal? AnnualRate { get; init; }

    /// <summary>The date the loan is due to be repaid in full.</summary>
    [Required] public DateOnly? MaturityDate { get; init; }
}

/// <summary>Enterprise size under the national SME size standard.</summary>
public enum SizeClass
{
    Micro,
    Small,
    Medium,
    Large,
    Unclassified,
}
