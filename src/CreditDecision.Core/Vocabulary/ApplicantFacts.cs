namespace CreditDecision.Core.Vocabulary;

/// <summary>
/// What rules may read about the applicant, as <c>applicant.*</c> in expressions. Plain data: rule expressions
/// can only read these properties, and the derived ratios are definitions, not policy.
/// </summary>
public sealed class ApplicantFacts
{
    public required string EnterpriseId { get; init; }
    public required string Industry { get; init; }
    public required string Region { get; init; }
    public required string GroupId { get; init; }
    public required decimal YearsInBusiness { get; init; }
    public required int Employees { get; init; }
    public required decimal AnnualRevenue { get; init; }
    public required decimal RevenueGrowth { get; init; }
    public required decimal NetProfitMargin { get; init; }
    public required decimal Ebitda { get; init; }
    public required decimal TotalAssets { get; init; }
    public required decimal TotalLiabilities { get; init; }
    public required decimal CurrentRatio { get; init; }
    public required decimal ExistingAnnualDebtService { get; init; }
    public required int CreditScore { get; init; }
    public required int OverdueCountLast24m { get; init; }
    public required int MaxDaysPastDueLast24m { get; init; }
    public required string TaxCreditRating { get; init; }
    public required decimal TaxArrears { get; init; }
    public required int LegalDisputes { get; init; }
    public required decimal ExistingExposure { get; init; }
    public required decimal RelatedPartyGuarantees { get; init; }

    /// <summary>Total liabilities over total assets.</summary>
    public required decimal Leverage { get; init; }

    /// <summary>Total assets less total liabilities.</summary>
    public required decimal Equity { get; init; }

    /// <summary>EBITDA over existing annual debt service; 99 when there is no existing debt and EBITDA is positive, 0 when EBITDA is not positive.</summary>
    public required decimal DebtServiceCoverage { get; init; }

    /// <summary>Related-party guarantees over equity; 99 when equity is not positive and guarantees exist.</summary>
    public required decimal RelatedPartyGuaranteesToEquity { get; init; }

    /// <summary>Whole months from the financial statements date to the evaluation date.</summary>
    public required int FinancialStatementsAgeMonths { get; init; }
}
