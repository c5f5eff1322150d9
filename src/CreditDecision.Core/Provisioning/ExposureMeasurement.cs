using CreditDecision.Core.Contracts;
using CreditDecision.Core.Decisions;
using CreditDecision.Core.Rules;
using CreditDecision.Core.Vocabulary;

namespace CreditDecision.Core.Provisioning;

/// <summary>A loan's exposure measures at review, each with the pricing rule that set it.</summary>
/// <param name="Ead">The outstanding amount plus the undrawn amount times its conversion factor.</param>
/// <param name="Covered">The part of the EAD covered by collateral that takes a 0 % risk weight (cash with the bank).</param>
public sealed record ExposureMeasures(decimal Ead, string EadRule, decimal Lgd, string LgdRule, decimal Covered, decimal RiskWeight, string RiskWeightRule);

/// <summary>
/// Measures a loan under review with the pricing ruleset's own measure rules, so that a review uses the figures and
/// methods an origination decision does (the bank's LGD estimate, the standardised conversion factors, cash cover and
/// risk weights): the rules that set <c>ead</c> convert the committed undrawn amount (<c>limit.approvedAmount</c>); the
/// rules that set <c>lgd</c>, <c>covered-exposure</c> and <c>risk-weight</c> read the EAD as <c>loan.amount</c>, today's
/// collateral value and the facility (outstanding plus undrawn) as <c>limit.approvedAmount</c>. As in pricing, the first
/// rule of each measure that fires sets it. Those rules may read only what a review knows (<see cref="ProvisioningCheck"/>).
/// </summary>
internal static class ExposureMeasurement
{
    public static ExposureMeasures Measure(
        CompiledRuleset pricing, Origination origination, decimal outstanding, decimal undrawn, decimal collateralValue, ref EvaluationPoint at)
    {
        at.Enter(pricing);
        var convert = Facts(origination, loanAmount: undrawn, collateralValue, approvedAmount: undrawn);
        var (converted, eadRule) = First(pricing, PricingMeasure.Ead, convert, ref at) ?? (undrawn, "none");
        var ead = outstanding + Math.Max(0m, converted);

        var measure = Facts(origination, loanAmount: ead, collateralValue, approvedAmount: outstanding + undrawn);
        var (lgd, lgdRule) = First(pricing, PricingMeasure.Lgd, measure, ref at)
            ?? throw new RuleEvaluationException(pricing.Name, pricing.Version, null, "no rule set the LGD of a loan under review; add a rule that always fires as the last LGD rule");
        var (covered, _) = First(pricing, PricingMeasure.CoveredExposure, measure, ref at) ?? (0m, "none");
        var (riskWeight, riskWeightRule) = First(pricing, PricingMeasure.RiskWeight, measure, ref at)
            ?? throw new RuleEvaluationException(pricing.Name, pricing.Version, null, "no rule set the risk weight of a loan under review; add a rule that always fires as the last risk-weight rule");
        at.Result();
        return new ExposureMeasures(ead, Name(pricing, eadRule), lgd, Name(pricing, lgdRule), Math.Clamp(covered, 0m, ead), riskWeight, Name(pricing, riskWeightRule));
    }

    private static string Name(CompiledRuleset ruleset, string rule) => $"{ruleset.Name}/{rule}";

    private static (decimal Value, string Rule)? First(CompiledRuleset pricing, PricingMeasure measure, DecisionFacts facts, ref EvaluationPoint at)
    {
        for (var i = 0; i < pricing.Rules.Length; i++)
        {
            var rule = pricing.Rules[i];
            if (rule.Spec.Sets != measure) continue;
            at.Condition(i);
            if (!rule.Condition(facts)) continue;
            at.Output(i);
            return (rule.Output!(facts), rule.Name);
        }
        return null;
    }

    /// <summary>
    /// The loan as the pricing measure rules see it. What a review does not know is neutral: measure rules may not read
    /// it (<see cref="ProvisioningCheck.MeasureRuleReads"/>).
    /// </summary>
    private static DecisionFacts Facts(Origination origination, decimal loanAmount, decimal collateralValue, decimal approvedAmount)
    {
        var applicant = new ApplicantFacts
        {
            EnterpriseId = "",
            Industry = origination.Industry ?? "",
            Region = origination.Region ?? "",
            GroupId = "",
            YearsInBusiness = 0m,
            Employees = 0,
            AnnualRevenue = 0m,
            RevenueGrowth = 0m,
            NetProfitMargin = 0m,
            Ebitda = 0m,
            TotalAssets = 0m,
            TotalLiabilities = 0m,
            CurrentRatio = 0m,
            ExistingAnnualDebtService = 0m,
            CreditScore = 0,
            OverdueCountLast24m = 0,
            MaxDaysPastDueLast24m = 0,
            TaxCreditRating = "",
            TaxArrears = 0m,
            LegalDisputes = 0,
            ExistingExposure = origination.ExistingExposure,
            RelatedPartyGuarantees = 0m,
            Leverage = 0m,
            Equity = 0m,
            DebtServiceCoverage = 0m,
            RelatedPartyGuaranteesToEquity = 0m,
            FinancialStatementsAgeMonths = 0,
            SizeStandardIndustry = "",
            EnterpriseSize = origination.EnterpriseSize,
            CurrentDaysPastDue = 0,
            TaxVerifiedRevenue = 0m,
            RevenueToTaxVerified = 0m,
            DishonestJudgementDebtor = false,
            SanctionsScreening = "",
            EnvironmentalRestriction = "",
            ExistingWorkingCapitalCredit = 0m,
            ExpectedRevenueGrowth = 0m,
            WorkingCapitalCycleDays = 0m,
            WorkingCapitalNeed = 0m,
            WorkingCapitalGap = 0m,
        };
        var loan = new LoanFacts
        {
            Product = origination.Product ?? "",
            Amount = loanAmount,
            TermMonths = 0,
            Purpose = "",
            CollateralType = origination.CollateralType,
            CollateralValue = collateralValue,
            HasGuarantor = false,
            GuaranteeAmount = 0m,
            UnconditionallyCancellable = origination.UnconditionallyCancellable,
            StressedAnnualDebtService = 0m,
            ProFormaDebtServiceCoverage = 0m,
            LoanToValue = FactsBuilder.NoRatio,
            AmountToRevenue = 0m,
            TotalExposureAfter = 0m,
        };
        var concentration = new ConcentrationFacts
        {
            BookTotal = 0m, IndustryExposure = 0m, IndustryShareAfter = 0m, RegionExposure = 0m, RegionShareAfter = 0m,
            GroupExposure = 0m, GroupExposureAfter = 0m, GroupShareAfter = 0m,
        };
        return new DecisionFacts(applicant, loan, concentration)
        {
            Limit = new LimitFacts { ApprovedAmount = approvedAmount, BindingCap = "", CreditExposureAfter = 0m },
            Guarantees = GuaranteeFacts.None,
        };
    }
}
