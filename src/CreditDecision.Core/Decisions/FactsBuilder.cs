using CreditDecision.Core.Contracts;
using CreditDecision.Core.Portfolio;
using CreditDecision.Core.Rules;
using CreditDecision.Core.Vocabulary;

namespace CreditDecision.Core.Decisions;

/// <summary>
/// Builds the rule vocabulary from a validated application: enum values become the same kebab-case text as in
/// the JSON, and ratios are derived once here so that every ruleset shares one definition of them.
/// </summary>
public static class FactsBuilder
{
    /// <summary>Stands for "no meaningful ratio" (e.g. loan-to-value without collateral): far above any policy threshold.</summary>
    public const decimal NoRatio = 99m;

    /// <summary>Builds the facts; the application must have passed <see cref="ApplicationValidator"/>.</summary>
    public static DecisionFacts Build(LoanApplication application, PortfolioSnapshot portfolio)
    {
        var a = application.Applicant!;
        var r = application.Request!;
        var equity = a.TotalAssets!.Value - a.TotalLiabilities!.Value;
        var applicant = new ApplicantFacts
        {
            EnterpriseId = a.EnterpriseId!,
            Industry = ContractJson.WireName(a.Industry!.Value),
            Region = a.Region!,
            GroupId = a.GroupId ?? "",
            YearsInBusiness = a.YearsInBusiness!.Value,
            Employees = a.Employees!.Value,
            AnnualRevenue = a.AnnualRevenue!.Value,
            RevenueGrowth = a.RevenueGrowth!.Value,
            NetProfitMargin = a.NetProfitMargin!.Value,
            Ebitda = a.Ebitda!.Value,
            TotalAssets = a.TotalAssets.Value,
            TotalLiabilities = a.TotalLiabilities.Value,
            CurrentRatio = a.CurrentRatio!.Value,
            ExistingAnnualDebtService = a.ExistingAnnualDebtService!.Value,
            CreditScore = a.CreditScore!.Value,
            OverdueCountLast24m = a.OverdueCountLast24m!.Value,
            MaxDaysPastDueLast24m = a.MaxDaysPastDueLast24m!.Value,
            TaxCreditRating = ContractJson.WireName(a.TaxCreditRating!.Value),
            TaxArrears = a.TaxArrears!.Value,
            LegalDisputes = a.LegalDisputes!.Value,
            ExistingExposure = a.ExistingExposure!.Value,
            RelatedPartyGuarantees = a.RelatedPartyGuarantees!.Value,
            Leverage = a.TotalLiabilities.Value / a.TotalAssets.Value,
            Equity = equity,
            DebtServiceCoverage = Ratio(a.Ebitda.Value, a.ExistingAnnualDebtService.Value),
            RelatedPartyGuaranteesToEquity = a.RelatedPartyGuarantees.Value == 0m ? 0m : Ratio(a.RelatedPartyGuarantees.Value, equity),
            FinancialStatementsAgeMonths = WholeMonthsBetween(a.FinancialStatementsDate!.Value, application.EvaluationDate!.Value),
        };
        var loan = new LoanFacts
        {
            Product = ContractJson.WireName(r.Product!.Value),
            Amount = r.Amount!.Value,
            TermMonths = r.TermMonths!.Value,
            Purpose = ContractJson.WireName(r.Purpose!.Value),
            CollateralType = ContractJson.WireName(r.CollateralType!.Value),
            CollateralValue = r.CollateralValue!.Value,
            HasGuarantor = r.HasGuarantor!.Value,
            GuaranteeAmount = r.GuaranteeAmount ?? 0m,
            LoanToValue = Ratio(r.Amount.Value, r.CollateralValue.Value),
            AmountToRevenue = Ratio(r.Amount.Value, a.AnnualRevenue.Value),
            TotalExposureAfter = a.ExistingExposure.Value + r.Amount.Value,
        };
        return new DecisionFacts(applicant, loan, Concentration(applicant, r.Amount.Value, portfolio));
    }

    private static ConcentrationFacts Concentration(ApplicantFacts applicant, decimal amount, PortfolioSnapshot portfolio)
    {
        var bookAfter = portfolio.Total + amount;
        var industry = portfolio.ByIndustry.GetValueOrDefault(applicant.Industry);
        var region = portfolio.ByRegion.GetValueOrDefault(applicant.Region);
        var group = applicant.GroupId.Length > 0 ? portfolio.ByGroup.GetValueOrDefault(applicant.GroupId) : 0m;
        var groupAfter = (applicant.GroupId.Length > 0 ? group : applicant.ExistingExposure) + amount;
        return new ConcentrationFacts
        {
            BookTotal = portfolio.Total,
            IndustryExposure = industry,
            IndustryShareAfter = (industry + amount) / bookAfter,
            RegionExposure = region,
            RegionShareAfter = (region + amount) / bookAfter,
            GroupExposure = group,
            GroupExposureAfter = groupAfter,
            GroupShareAfter = groupAfter / bookAfter,
        };
    }

    /// <summary>
    /// numerator / denominator, never above <see cref="NoRatio"/>. With nothing to divide by, a positive numerator
    /// is "unlimited" (<see cref="NoRatio"/>) and a zero or negative one is 0: no earnings cover nothing.
    /// </summary>
    private static decimal Ratio(decimal numerator, decimal denominator) =>
        denominator > 0m ? Math.Min(numerator / denominator, NoRatio) : numerator > 0m ? NoRatio : 0m;

    private static int WholeMonthsBetween(DateOnly from, DateOnly to)
    {
        var months = (to.Year - from.Year) * 12 + to.Month - from.Month;
        return to.Day < from.Day ? months - 1 : months;
    }
}
