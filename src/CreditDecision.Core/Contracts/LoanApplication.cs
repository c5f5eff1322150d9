using System.ComponentModel.DataAnnotations;

namespace CreditDecision.Core.Contracts;

/// <summary>An SME loan application as sent by a loan-origination system to <c>POST /decide</c>.</summary>
/// <remarks>
/// Members are nullable so that one validation pass can name every missing or bad field at once;
/// <see cref="Decisions.ApplicationValidator"/> guarantees they are present before any rule sees them.
/// </remarks>
public sealed record LoanApplication
{
    /// <summary>The caller's own identifier for this application (1 to 64 characters).</summary>
    [StringLength(64, MinimumLength = 1)] [Required] public string? ApplicationId { get; init; }

    /// <summary>The business date the decision is made for. Rules read this date, never the clock.</summary>
    [Required] public DateOnly? EvaluationDate { get; init; }

    /// <summary>The enterprise applying for credit.</summary>
    [Required] public ApplicantData? Applicant { get; init; }

    /// <summary>What the enterprise asks for.</summary>
    [Required] public LoanRequestData? Request { get; init; }
}

/// <summary>The applying enterprise: identity, financials and credit history.</summary>
public sealed record ApplicantData
{
    /// <summary>The bank's identifier of the enterprise (e.g. its unified social credit code).</summary>
    [StringLength(64, MinimumLength = 1)] [Required] public string? EnterpriseId { get; init; }

    /// <summary>Registered name of the enterprise.</summary>
    [StringLength(200, MinimumLength = 1)] [Required] public string? Name { get; init; }

    /// <summary>Main industry of the enterprise.</summary>
    [Required] public Industry? Industry { get; init; }

    /// <summary>Region code where the enterprise operates, e.g. <c>jiangsu-nanjing</c>.</summary>
    [StringLength(64, MinimumLength = 1)] [Required] public string? Region { get; init; }

    /// <summary>Related-party group the enterprise belongs to, if any (for group exposure).</summary>
    [StringLength(64, MinimumLength = 1)] public string? GroupId { get; init; }

    /// <summary>Years since registration.</summary>
    [Range(typeof(decimal), "0", "200")] [Required] public decimal? YearsInBusiness { get; init; }

    /// <summary>Number of employees.</summary>
    [Range(0, 10000000)] [Required] public int? Employees { get; init; }

    /// <summary>Revenue of the last financial year, in the loan currency.</summary>
    [Range(typeof(decimal), "0", ContractBounds.MaxAmount)] [Required] public decimal? AnnualRevenue { get; init; }

    /// <summary>Revenue change against the year before, as a fraction (-0.12 is a 12 % fall).</summary>
    [Range(typeof(decimal), "-1", "100")] [Required] public decimal? RevenueGrowth { get; init; }

    /// <summary>Net profit over revenue, as a fraction.</summary>
    [Range(typeof(decimal), "-10", "1")] [Required] public decimal? NetProfitMargin { get; init; }

    /// <summary>Earnings before interest, tax, depreciation and amortisation, last financial year.</summary>
    [Range(typeof(decimal), ContractBounds.MinAmount, ContractBounds.MaxAmount)] [Required] public decimal? Ebitda { get; init; }

    /// <summary>Total assets at the last balance-sheet date.</summary>
    [Range(typeof(decimal), "0.01", ContractBounds.MaxAmount)] [Required] public decimal? TotalAssets { get; init; }

    /// <summary>Total liabilities at the last balance-sheet date.</summary>
    [Range(typeof(decimal), "0", ContractBounds.MaxAmount)] [Required] public decimal? TotalLiabilities { get; init; }

    /// <summary>Current assets over current liabilities.</summary>
    [Range(typeof(decimal), "0", "1000")] [Required] public decimal? CurrentRatio { get; init; }

    /// <summary>Principal and interest due on existing debt over the next twelve months, all lenders.</summary>
    [Range(typeof(decimal), "0", ContractBounds.MaxAmount)] [Required] public decimal? ExistingAnnualDebtService { get; init; }

    /// <summary>Date of the latest financial statements; their age is measured at the evaluation date.</summary>
    [Required] public DateOnly? FinancialStatementsDate { get; init; }

    /// <summary>Credit bureau score of the enterprise's principal owner (300 to 900).</summary>
    [Range(300, 900)] [Required] public int? CreditScore { get; init; }

    /// <summary>Number of overdue instalments in the last 24 months, all lenders.</summary>
    [Range(0, 1000)] [Required] public int? OverdueCountLast24m { get; init; }

    /// <summary>Worst days past due in the last 24 months, all lenders.</summary>
    [Range(0, 10000)] [Required] public int? MaxDaysPastDueLast24m { get; init; }

    /// <summary>Tax credit rating published by the tax authority (A best, D worst; M for new taxpayers).</summary>
    [Required] public TaxCreditRating? TaxCreditRating { get; init; }

    /// <summary>Overdue taxes currently owed, in the loan currency.</summary>
    [Range(typeof(decimal), "0", ContractBounds.MaxAmount)] [Required] public decimal? TaxArrears { get; init; }

    /// <summary>Open lawsuits or enforcement cases against the enterprise or its owner.</summary>
    [Range(0, 10000)] [Required] public int? LegalDisputes { get; init; }

    /// <summary>Outstanding credit of the enterprise with this bank before this application.</summary>
    [Range(typeof(decimal), "0", ContractBounds.MaxAmount)] [Required] public decimal? ExistingExposure { get; init; }

    /// <summary>Guarantees the enterprise has given for related parties' debts.</summary>
    [Range(typeof(decimal), "0", ContractBounds.MaxAmount)] [Required] public decimal? RelatedPartyGuarantees { get; init; }
}

/// <summary>The credit requested.</summary>
public sealed record LoanRequestData
{
    /// <summary>Credit product.</summary>
    [Required] public Product? Product { get; init; }

    /// <summary>Amount requested, in the loan currency.</summary>
    [Range(typeof(decimal), "0.01", ContractBounds.MaxAmount)] [Required] public decimal? Amount { get; init; }

    /// <summary>Term in months (1 to 360).</summary>
    [Range(1, 360)] [Required] public int? TermMonths { get; init; }

    /// <summary>What the money is for.</summary>
    [Required] public LoanPurpose? Purpose { get; init; }

    /// <summary>Collateral offered; <c>none</c> for unsecured credit.</summary>
    [Required] public CollateralType? CollateralType { get; init; }

    /// <summary>Appraised market value of the collateral (0 when none).</summary>
    [Range(typeof(decimal), "0", ContractBounds.MaxAmount)] [Required] public decimal? CollateralValue { get; init; }

    /// <summary>Whether a third party guarantees the loan.</summary>
    [Required] public bool? HasGuarantor { get; init; }

    /// <summary>Amount the guarantor covers (0 when there is no guarantor).</summary>
    [Range(typeof(decimal), "0", ContractBounds.MaxAmount)] public decimal? GuaranteeAmount { get; init; }
}
