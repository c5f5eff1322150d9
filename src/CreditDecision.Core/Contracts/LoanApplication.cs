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

    // Inputs added with the 2027-Q1 policy. Applications recorded before them lack these fields; see StoredApplication.

    /// <summary>
    /// The industry item of the national SME size standard (工信部联企业〔2011〕300号) the enterprise is classified under.
    /// With employees, revenue and total assets it gives the enterprise size (micro, small, medium, large).
    /// </summary>
    [Required] public SizeStandardIndustry? SizeStandardIndustry { get; init; }

    /// <summary>Days the oldest unpaid amount owed to any lender is past due today (0 when current); at most <c>maxDaysPastDueLast24m</c>.</summary>
    [Range(0, 10000)] [Required] public int? CurrentDaysPastDue { get; init; }

    /// <summary>Revenue of the same financial year as reported to the tax authority (VAT returns), in the loan currency.</summary>
    [Range(typeof(decimal), "0", ContractBounds.MaxAmount)] [Required] public decimal? TaxVerifiedRevenue { get; init; }

    /// <summary>Whether the enterprise or its legal representative is on the Supreme People's Court list of dishonest judgement debtors.</summary>
    [Required] public bool? DishonestJudgementDebtor { get; init; }

    /// <summary>Result of the sanctions and anti-money-laundering screening of the enterprise, its owners and its legal representative.</summary>
    [Required] public SanctionsScreening? SanctionsScreening { get; init; }

    /// <summary>
    /// The environmental and industrial-policy screening of the enterprise's activity: <c>prohibited</c> when the bank
    /// may not finance it (capacity to be eliminated, a serious environmental violation), <c>restricted</c> when it is in
    /// a restricted category or under an environmental penalty, otherwise <c>none</c>.
    /// </summary>
    [Required] public EnvironmentalRestriction? EnvironmentalRestriction { get; init; }

    /// <summary>What the regulator's working-capital-need method needs: the operating cycle and the funds already financing it.</summary>
    [Required] public WorkingCapitalData? WorkingCapital { get; init; }
}

/// <summary>
/// The inputs of the working-capital-need method of China's working-capital loan rules: the need is last year's
/// revenue x (1 - net margin) x (1 + expected growth) x cycle days / 360, where the cycle is inventory days +
/// receivable days - payable days + prepayment days - advance-receipt days; new working-capital credit may cover the
/// need less own funds, existing working-capital credit and other sources.
/// </summary>
public sealed record WorkingCapitalData
{
    /// <summary>Days of cost of sales held as inventory (360 / inventory turnover).</summary>
    [Range(typeof(decimal), "0", ContractBounds.MaxCycleDays)] [Required] public decimal? InventoryDays { get; init; }

    /// <summary>Days of revenue outstanding as receivables (360 / receivables turnover).</summary>
    [Range(typeof(decimal), "0", ContractBounds.MaxCycleDays)] [Required] public decimal? ReceivableDays { get; init; }

    /// <summary>Days of cost of sales owed to suppliers (360 / payables turnover).</summary>
    [Range(typeof(decimal), "0", ContractBounds.MaxCycleDays)] [Required] public decimal? PayableDays { get; init; }

    /// <summary>Days of cost of sales paid to suppliers in advance (360 / prepayment turnover).</summary>
    [Range(typeof(decimal), "0", ContractBounds.MaxCycleDays)] [Required] public decimal? PrepaymentDays { get; init; }

    /// <summary>Days of revenue received from customers in advance (360 / advance-receipt turnover).</summary>
    [Range(typeof(decimal), "0", ContractBounds.MaxCycleDays)] [Required] public decimal? AdvanceReceiptDays { get; init; }

    /// <summary>Revenue growth expected for the coming year, as a fraction (0.05 = 5 %).</summary>
    [Range(typeof(decimal), "-1", "100")] [Required] public decimal? ExpectedRevenueGrowth { get; init; }

    /// <summary>The enterprise's own funds financing working capital, in the loan currency.</summary>
    [Range(typeof(decimal), "0", ContractBounds.MaxAmount)] [Required] public decimal? OwnFunds { get; init; }

    /// <summary>Working-capital loans and lines outstanding with every lender, this bank included.</summary>
    [Range(typeof(decimal), "0", ContractBounds.MaxAmount)] [Required] public decimal? ExistingWorkingCapitalCredit { get; init; }

    /// <summary>Working capital financed from other sources (e.g. shareholder loans, trade bills).</summary>
    [Range(typeof(decimal), "0", ContractBounds.MaxAmount)] [Required] public decimal? OtherSources { get; init; }
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

    /// <summary>
    /// Everyone who guarantees the loan, empty when no one does (replaces <c>hasGuarantor</c> and <c>guaranteeAmount</c>).
    /// Each counts towards security by the recognition factor the rules give its type; a related party counts nothing.
    /// </summary>
    [MaxLength(ContractBounds.MaxGuarantors)] [Required] public IReadOnlyList<GuarantorData>? Guarantors { get; init; }

    /// <summary>
    /// Optional, for revolving credit lines: whether the bank may cancel the undrawn line at any time without notice.
    /// Absent means false (a committed line).
    /// </summary>
    public bool? UnconditionallyCancellable { get; init; }
}

/// <summary>One guarantor of the loan.</summary>
public sealed record GuarantorData
{
    /// <summary>Who guarantees.</summary>
    [Required] public GuarantorType? Type { get; init; }

    /// <summary>Whether the guarantor is a related party of the borrower (same owners or group, or its own owner or manager).</summary>
    [Required] public bool? RelatedParty { get; init; }

    /// <summary>Amount the guarantor is liable for, in the loan currency.</summary>
    [Range(typeof(decimal), "0.01", ContractBounds.MaxAmount)] [Required] public decimal? Amount { get; init; }

    /// <summary>Optional: the guarantor's grade on the bank's master scale (e.g. <c>A</c>), where the bank rates it.</summary>
    [StringLength(16, MinimumLength = 1)] public string? Grade { get; init; }
}
