using System.ComponentModel.DataAnnotations;

namespace CreditDecision.Core.Contracts;

/// <summary>An existing loan with its current indicators, sent to <c>POST /monitor</c> for a post-loan review.</summary>
public sealed record LoanReview
{
    /// <summary>The bank's identifier of the loan.</summary>
    [StringLength(64, MinimumLength = 1)] [Required] public string? LoanId { get; init; }

    /// <summary>Unified social credit code (or other registry id) of the borrower.</summary>
    [StringLength(64, MinimumLength = 1)] [Required] public string? EnterpriseId { get; init; }

    /// <summary>The business date the review is made for; rules read no clock.</summary>
    [Required] public DateOnly? EvaluationDate { get; init; }

    /// <summary>The loan's grade on the master scale today, e.g. <c>BBB</c>.</summary>
    [StringLength(8, MinimumLength = 1)] [Required] public string? CurrentGrade { get; init; }

    /// <summary>Principal outstanding.</summary>
    [Range(typeof(decimal), "0", ContractBounds.MaxAmount)] [Required] public decimal? OutstandingAmount { get; init; }

    /// <summary>Committed but not yet drawn (0 for a term loan fully drawn).</summary>
    [Range(typeof(decimal), "0", ContractBounds.MaxAmount)] [Required] public decimal? UndrawnAmount { get; init; }

    /// <summary>Days the oldest unpaid instalment is past due (0 when current).</summary>
    [Range(0, 10000)] [Required] public int? DaysPastDue { get; init; }

    /// <summary>Instalments currently overdue.</summary>
    [Range(0, 1000)] [Required] public int? OverdueInstalments { get; init; }

    /// <summary>Drawn share of the line, as a fraction (1 = fully drawn).</summary>
    [Range(typeof(decimal), "0", "10")] [Required] public decimal? Utilisation { get; init; }

    /// <summary>Revenue change against the same period last year, as a fraction (-0.3 = down 30 %).</summary>
    [Range(typeof(decimal), "-1", "100")] [Required] public decimal? RevenueChange { get; init; }

    /// <summary>Tax arrears: none, new (since the last review) or old (already known and unpaid).</summary>
    [Required] public TaxArrearsStatus? TaxArrears { get; init; }

    /// <summary>Legal cases against the borrower opened since the last review.</summary>
    [Range(0, 10000)] [Required] public int? NewLegalCases { get; init; }

    /// <summary>A court enforcement, asset freeze or seizure against the borrower.</summary>
    [Required] public bool? EnforcementAction { get; init; }

    /// <summary>The owner-manager or another key person left or changed.</summary>
    [Required] public bool? KeyPersonChange { get; init; }

    /// <summary>Controlling ownership changed.</summary>
    [Required] public bool? OwnershipChange { get; init; }

    /// <summary>Latest revaluation of the collateral against its value at origination, as a fraction (0 when unsecured).</summary>
    [Range(typeof(decimal), "-1", "100")] [Required] public decimal? CollateralValueChange { get; init; }

    /// <summary>The guarantor's standing.</summary>
    [Required] public GuarantorStatus? GuarantorStatus { get; init; }

    /// <summary>A related party (same group, shareholder, cross-guarantor) defaulted.</summary>
    [Required] public bool? RelatedPartyDefault { get; init; }

    /// <summary>The bank's industry watch list marks the borrower's industry as in downturn.</summary>
    [Required] public bool? IndustryDownturn { get; init; }
}

/// <summary>Tax arrears at review time.</summary>
public enum TaxArrearsStatus
{
    None,
    New,
    Old,
}

/// <summary>The guarantor's standing at review time.</summary>
public enum GuarantorStatus
{
    None,
    Sound,
    Weakened,
    Defaulted,
}
