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

    /// <summary>
    /// Optional: the decision in the decision log that granted the loan. The origination grade, PD, limit, rate and
    /// collateral then come from the log, and the grade's movement is measured against them. Leave out
    /// <c>terms</c> when the review is linked.
    /// </summary>
    public Guid? DecisionId { get; init; }

    /// <summary>Optional: instead of <c>decisionId</c>, the application whose latest logged decision granted the loan.</summary>
    [StringLength(64, MinimumLength = 1)] public string? ApplicationId { get; init; }

    /// <summary>Optional: the date the loan was drawn; for a linked review, the origination decision's evaluation date when left out.</summary>
    public DateOnly? OriginationDate { get; init; }

    /// <summary>Optional: the loan's terms were changed because the borrower was in financial difficulty.</summary>
    public Restructuring? Restructured { get; init; }

    /// <summary>
    /// Optional: the loan's origination as the caller's own records hold it, for a review not linked to a logged
    /// decision. Without a link or terms, the review assumes what is safest (see the response's <c>origination</c>).
    /// </summary>
    public LoanTerms? Terms { get; init; }

    /// <summary>Optional: share of the borrower's claims at this bank classified non-performing, as a fraction (0 when left out).</summary>
    [Range(typeof(decimal), "0", "1")] public decimal? BorrowerNonPerformingShare { get; init; }

    /// <summary>Optional: share of the borrower's debts with all banks more than 90 days past due, from the credit bureau, as a fraction (0 when left out).</summary>
    [Range(typeof(decimal), "0", "1")] public decimal? OverdueOver90ShareAllBanks { get; init; }
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
