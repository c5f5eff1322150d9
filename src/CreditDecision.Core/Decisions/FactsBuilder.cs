using CreditDecision.Core.Contracts;
using CreditDecision.Core.Portfolio;
using CreditDecision.Core.Rules;
using CreditDecision.Core.Vocabulary;

namespace CreditDecision.Core.Decisions;

/// <summary>
/// Builds the rule vocabulary from a validated application: enum values become the same kebab-case text as in
/// the JSON, and ratios and derived amounts are computed once here so that every ruleset shares one definition of
/// them. Where a definition needs a policy figure (the size standard, the stress rate, recognition factors) the
/// figure comes from the snapshot's rule files, never from this code.
/// </summary>
public static class FactsBuilder
{
    /// <summary>Stands for "no meaningful ratio" (e.g. loan-to-value without collateral): far above any policy threshold.</summary>
    public const decimal NoRatio = 99m;

    /// <summary>
    /// Stands for an amount that was not assessed (the working-capital need of an application recorded before its
    /// inputs existed): the largest amount accepted, so a cap built on it never binds.
    /// </summary>
    public static readonly decimal NotAssessed = ApplicationValidator.MaxAmount;

    public const string Unclassified = "unclassified";

    /// <summary>Builds the facts; the application must have passed <see cref="ApplicationValidator"/> (or be a stored one).</summary>
    public static DecisionFacts Build(RulesetSnapshot snapshot, LoanApplication application, PortfolioSnapshot portfolio)
    {
        var a = application.Applicant!;
        var r = application.Request!;
        var w = a.WorkingCapital;
        var equity = a.TotalAssets!.Value - a.TotalLiabilities!.Value;
        var taxVerified = a.TaxVerifiedRevenue ?? a.AnnualRevenue!.Value;
        var expectedGrowth = w?.ExpectedRevenueGrowth ?? a.RevenueGrowth!.Value;
        var cycleDays = w is null ? 0m : CycleDays(w);
        var need = w is null ? NotAssessed : WorkingCapitalNeed(a.AnnualRevenue!.Value, a.NetProfitMargin!.Value, expectedGrowth, cycleDays);
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
            SizeStandardIndustry = a.SizeStandardIndustry is { } item ? ContractJson.WireName(item) : "",
            EnterpriseSize = EnterpriseSize(snapshot[Stage.Rating].Settings.EnterpriseSize, a),
            CurrentDaysPastDue = a.CurrentDaysPastDue ?? 0,
            TaxVerifiedRevenue = taxVerified,
            RevenueToTaxVerified = Ratio(a.AnnualRevenue.Value, taxVerified),
            DishonestJudgementDebtor = a.DishonestJudgementDebtor ?? false,
            SanctionsScreening = ContractJson.WireName(a.SanctionsScreening ?? SanctionsScreening.Clear),
            EnvironmentalRestriction = ContractJson.WireName(a.EnvironmentalRestriction ?? EnvironmentalRestriction.None),
            ExistingWorkingCapitalCredit = w?.ExistingWorkingCapitalCredit ?? 0m,
            ExpectedRevenueGrowth = expectedGrowth,
            WorkingCapitalCycleDays = cycleDays,
            WorkingCapitalNeed = need,
            WorkingCapitalGap = w is null ? NotAssessed : need - w.OwnFunds!.Value - w.ExistingWorkingCapitalCredit!.Value - w.OtherSources!.Value,
        };
        var guarantors = r.Guarantors ?? [];
        var stressed = StressedAnnualDebtService(snapshot[Stage.Limit].Settings.DebtService, r);
        var loan = new LoanFacts
        {
            Product = ContractJson.WireName(r.Product!.Value),
            Amount = r.Amount!.Value,
            TermMonths = r.TermMonths!.Value,
            Purpose = ContractJson.WireName(r.Purpose!.Value),
            CollateralType = ContractJson.WireName(r.CollateralType!.Value),
            CollateralValue = r.CollateralValue!.Value,
            HasGuarantor = guarantors.Count > 0,
            GuaranteeAmount = TotalAmount(guarantors),
            UnconditionallyCancellable = r.UnconditionallyCancellable ?? false,
            StressedAnnualDebtService = stressed,
            ProFormaDebtServiceCoverage = Ratio(a.Ebitda.Value, a.ExistingAnnualDebtService.Value + stressed),
            LoanToValue = Ratio(r.Amount.Value, r.CollateralValue.Value),
            AmountToRevenue = Ratio(r.Amount.Value, a.AnnualRevenue.Value),
            TotalExposureAfter = a.ExistingExposure.Value + r.Amount.Value,
        };
        return new DecisionFacts(applicant, loan, Concentration(applicant, r.Amount.Value, portfolio));
    }

    /// <summary>
    /// The guarantors measured for a borrower of the given grade rank: each amount times the factor of its type, or
    /// the related-party factor, or (for a guarantor graded below the borrower, or an enterprise without a grade) the
    /// weaker-guarantor factor, whichever is lowest. A guarantor of unknown type (an application recorded before
    /// guarantor types existed) is not recognised. Without recognition factors in the rules nothing is recognised.
    /// </summary>
    public static GuaranteeFacts Guarantees(
        IReadOnlyList<GuarantorData>? guarantors, GuaranteeRecognition? recognition, IReadOnlyList<GradeBand> grades, int borrowerGradeRank)
    {
        if (guarantors is null || guarantors.Count == 0) return GuaranteeFacts.None;
        decimal total = 0m, recognised = 0m, related = 0m;
        foreach (var guarantor in guarantors)
        {
            var amount = guarantor.Amount ?? 0m;
            total += amount;
            if (guarantor.RelatedParty == true) related += amount;
            if (recognition is null || guarantor.Type is not { } type) continue;
            var factor = recognition.For(type);
            if (guarantor.RelatedParty != false) factor = Math.Min(factor, recognition.RelatedParty);
            var rank = GradeRank(grades, guarantor.Grade);
            if (rank > borrowerGradeRank || (rank == 0 && type == GuarantorType.Enterprise)) factor = Math.Min(factor, recognition.WeakerThanBorrower);
            recognised += amount * factor;
        }
        return new GuaranteeFacts { Count = guarantors.Count, Total = total, Recognised = recognised, RelatedParty = related };
    }

    private static decimal TotalAmount(IReadOnlyList<GuarantorData> guarantors)
    {
        var total = 0m;
        foreach (var guarantor in guarantors) total += guarantor.Amount ?? 0m;
        return total;
    }

    /// <summary>Position of a grade on the master scale, 1 = best; 0 for no grade (or one not on the scale).</summary>
    private static int GradeRank(IReadOnlyList<GradeBand> grades, string? grade)
    {
        for (var i = 0; grade is not null && i < grades.Count; i++)
        {
            if (grades[i].Grade == grade) return i + 1;
        }
        return 0;
    }

    /// <summary>Large, medium, small or micro: the first size whose every threshold the enterprise reaches.</summary>
    private static string EnterpriseSize(SizeStandard? standard, ApplicantData a)
    {
        if (standard is null || a.SizeStandardIndustry is not { } item) return Unclassified;
        var row = standard.For(item);
        decimal employees = a.Employees!.Value, revenue = a.AnnualRevenue!.Value, assets = a.TotalAssets!.Value;
        return row.Large.IsMetBy(employees, revenue, assets) ? "large"
            : row.Medium.IsMetBy(employees, revenue, assets) ? "medium"
            : row.Small.IsMetBy(employees, revenue, assets) ? "small"
            : "micro";
    }

    private static decimal CycleDays(WorkingCapitalData w) =>
        w.InventoryDays!.Value + w.ReceivableDays!.Value - w.PayableDays!.Value + w.PrepaymentDays!.Value - w.AdvanceReceiptDays!.Value;

    /// <summary>
    /// revenue x (1 - margin) x (1 + growth) / turnover, with turnover = 360 / cycle days, to the cent. A cycle of 0 or
    /// fewer days means suppliers and customers finance the operating cycle: no working capital is needed.
    /// </summary>
    private static decimal WorkingCapitalNeed(decimal revenue, decimal margin, decimal growth, decimal cycleDays) =>
        cycleDays <= 0m ? 0m : decimal.Round(revenue * (1m - margin) * (1m + growth) * cycleDays / 360m, 2, MidpointRounding.ToEven);

    /// <summary>
    /// The new loan's debt service over a year at the stress rate: interest only for a product repaid from the
    /// working-capital cycle, else twelve monthly level payments over the term. 0 without a stress rate in the rules.
    /// </summary>
    private static decimal StressedAnnualDebtService(DebtServicePolicy? policy, LoanRequestData r)
    {
        if (policy is null) return 0m;
        var amount = r.Amount!.Value;
        return policy.InterestOnlyProducts.Contains(r.Product!.Value)
            ? amount * policy.StressRate
            : Finance.AnnualPayment(amount, policy.StressRate, r.TermMonths!.Value);
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
