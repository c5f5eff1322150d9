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

    // Facts added with the 2027-Q1 policy. For an application recorded before its inputs existed, each holds the
    // neutral value named in its summary, so that rulesets of that time replay unchanged.

    /// <summary>The industry item of the national SME size standard; empty when not recorded.</summary>
    public required string SizeStandardIndustry { get; init; }

    /// <summary>
    /// <c>micro</c>, <c>small</c>, <c>medium</c> or <c>large</c> under the size standard in the rating ruleset's
    /// Settings; <c>unclassified</c> when the rules carry no standard or the industry item was not recorded.
    /// </summary>
    public required string EnterpriseSize { get; init; }

    /// <summary>Days past due today with any lender; 0 when not recorded.</summary>
    public required int CurrentDaysPastDue { get; init; }

    /// <summary>Revenue as reported to the tax authority; the declared revenue when not recorded.</summary>
    public required decimal TaxVerifiedRevenue { get; init; }

    /// <summary>Declared annual revenue over tax-verified revenue; 99 when nothing was reported to the tax authority.</summary>
    public required decimal RevenueToTaxVerified { get; init; }

    /// <summary>On the court's list of dishonest judgement debtors; false when not recorded.</summary>
    public required bool DishonestJudgementDebtor { get; init; }

    /// <summary><c>clear</c>, <c>potential-match</c> or <c>confirmed-match</c>; <c>clear</c> when not recorded.</summary>
    public required string SanctionsScreening { get; init; }

    /// <summary><c>none</c>, <c>restricted</c> or <c>prohibited</c>; <c>none</c> when not recorded.</summary>
    public required string EnvironmentalRestriction { get; init; }

    /// <summary>Working-capital credit outstanding with every lender; 0 when not recorded.</summary>
    public required decimal ExistingWorkingCapitalCredit { get; init; }

    /// <summary>Expected revenue growth for the coming year; last year's growth when not recorded.</summary>
    public required decimal ExpectedRevenueGrowth { get; init; }

    /// <summary>Inventory + receivable - payable + prepayment - advance-receipt days; 0 when not recorded.</summary>
    public required decimal WorkingCapitalCycleDays { get; init; }

    /// <summary>
    /// Working capital the business needs, by the regulator's method: revenue x (1 - net margin) x (1 + expected
    /// growth) x cycle days / 360, rounded to the cent; 0 when the cycle is not positive (suppliers and customers fund
    /// it). <see cref="Decisions.FactsBuilder.NotAssessed"/> when the inputs were not recorded.
    /// </summary>
    public required decimal WorkingCapitalNeed { get; init; }

    /// <summary>
    /// The need less own funds, existing working-capital credit from every lender and other sources: what new
    /// working-capital credit may cover (negative when already covered). <see cref="Decisions.FactsBuilder.NotAssessed"/>
    /// when the inputs were not recorded.
    /// </summary>
    public required decimal WorkingCapitalGap { get; init; }
}
