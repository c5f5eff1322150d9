using CreditDecision.Core.Contracts;
using CreditDecision.Core.Decisions;
using CreditDecision.Core.Rules;
using CreditDecision.Core.Vocabulary;

namespace CreditDecision.Core.Provisioning;

/// <summary>
/// A reviewed loan's classification, stage and expected credit loss, from the monitoring rules that fired and the
/// snapshot's master scale, PD term structure and pricing measure rules. Every figure names the rule or setting behind it.
/// </summary>
internal static class LoanAssessment
{
    public static MonitoringResult Assess(
        RulesetSnapshot snapshot, LoanReview review, MonitoringResult result, Origination origination, bool[] fired, GradingFacts grading,
        decimal pdMultiplier, ref EvaluationPoint at)
    {
        var rating = snapshot[Stage.Rating];
        var monitoring = snapshot[Stage.Monitoring];
        var pricing = snapshot[Stage.Pricing];
        var curve = monitoring.Settings.PdTermStructure!;

        var (classification, classificationRule) = Classify(monitoring, fired);
        var (stage, stageRule) = StageOf(rating, monitoring, fired, grading.InDefault);

        var outstanding = review.OutstandingAmount!.Value;
        var collateralValue = Math.Max(0m, origination.CollateralValue * (1m + review.CollateralValueChange!.Value));
        var measures = ExposureMeasurement.Measure(pricing, origination, outstanding, review.UndrawnAmount!.Value, collateralValue, ref at);

        var grade = grading.Grade;
        var remainingMonths = origination.MaturityDate is { } maturity
            ? CalendarMonths.Remaining(review.EvaluationDate!.Value, maturity)
            : curve.DefaultRemainingMonths;
        var oneYearPd = rating.Settings.Grades[grading.GradeRank - 1].Pd;
        IReadOnlyList<decimal> laterPds = grading.InDefault ? [] : curve.ForwardPds.TryGetValue(grade, out var forward) ? forward
            : throw new RuleEvaluationException(monitoring.Name, monitoring.Version, null, $"Settings.PdTermStructure has no row for grade '{grade}'");
        var loss = ExpectedCreditLoss.Measure(
            oneYearPd, laterPds, remainingMonths, lifetime: stage > 1, grading.InDefault, measures.Lgd, measures.Ead, origination.AnnualRate ?? 0m, pdMultiplier);

        var (riskWeight, riskWeightRule, weighted) = grading.InDefault
            ? Defaulted(monitoring, outstanding, measures, loss.Ecl)
            : (measures.RiskWeight, measures.RiskWeightRule, measures.Ead - measures.Covered);
        var pdSource = $"{rating.Name}/Settings.Grades[{grade}]";

        return result with
        {
            Classification = KebabCase.Of(classification),
            Stage = stage,
            Pd12m = loss.Pd12m,
            PdLifetime = loss.PdLifetime,
            Lgd = measures.Lgd,
            OutstandingAmount = outstanding,
            Ead = measures.Ead,
            EclHorizon = stage == 1 ? "12-month" : "lifetime",
            Ecl = loss.Ecl,
            RiskWeight = riskWeight,
            RiskWeightedAssets = decimal.Round(Math.Max(0m, weighted) * riskWeight, 2, MidpointRounding.ToEven),
            SetBy = new ProvisioningBasis(
                classificationRule, stageRule, pdSource,
                grading.InDefault ? pdSource : $"{monitoring.Name}/Settings.PdTermStructure[{grade}]",
                measures.LgdRule, measures.EadRule, riskWeightRule),
            Origination = origination,
            NotchesSinceOrigination = grading.NotchesSinceOrigination,
            RemainingMonths = remainingMonths,
            Rulesets = [rating.ToVersionRef(), pricing.ToVersionRef(), monitoring.ToVersionRef()],
        };
    }

    /// <summary>The worst floor among the classification rules that fired (the first such rule in file order), else normal.</summary>
    private static (LoanClassification Classification, string? Rule) Classify(CompiledRuleset monitoring, bool[] fired)
    {
        var worst = LoanClassification.Normal;
        string? rule = null;
        for (var i = 0; i < fired.Length; i++)
        {
            if (!fired[i] || monitoring.Rules[i].Spec.Classification is not { } floor || floor <= worst) continue;
            worst = floor;
            rule = $"{monitoring.Name}/{monitoring.Rules[i].Name}";
        }
        return (worst, rule);
    }

    /// <summary>
    /// Stage 3 when the loan is in default (the first default trigger that fired, or the default grade it already holds),
    /// else 2 when a significant-increase rule fired (the first), else 1.
    /// </summary>
    private static (int Stage, string? Rule) StageOf(CompiledRuleset rating, CompiledRuleset monitoring, bool[] fired, bool inDefault)
    {
        var stage = inDefault ? 3 : 1;
        for (var i = 0; i < fired.Length; i++)
        {
            var spec = monitoring.Rules[i].Spec;
            if (!fired[i] || (inDefault ? !spec.DefaultTrigger : spec.StageTrigger is null)) continue;
            return (inDefault ? 3 : spec.StageTrigger!.Value, $"{monitoring.Name}/{monitoring.Rules[i].Name}");
        }
        return (stage, inDefault ? $"{rating.Name}/Settings.Grades[{rating.Settings.DefaultGrade?.Grade}]" : null);
    }

    /// <summary>
    /// A defaulted exposure's unsecured part, net of its provision, takes the higher risk weight while the provision is
    /// below the policy's share of the outstanding amount, the lower one from that share up.
    /// </summary>
    private static (decimal RiskWeight, string Rule, decimal Weighted) Defaulted(CompiledRuleset monitoring, decimal outstanding, ExposureMeasures measures, decimal provision)
    {
        var policy = monitoring.Settings.DefaultedExposure!;
        var provided = outstanding > 0m && provision >= policy.ProvisionShare * outstanding;
        return (provided ? policy.RiskWeightFromShare : policy.RiskWeightBelowShare, $"{monitoring.Name}/Settings.DefaultedExposure",
            measures.Ead - measures.Covered - provision);
    }
}
