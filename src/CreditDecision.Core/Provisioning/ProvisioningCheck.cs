using System.Text.RegularExpressions;
using CreditDecision.Core.Rules;

namespace CreditDecision.Core.Provisioning;

/// <summary>
/// What a rules folder whose monitoring ruleset provisions must also hold: a PD term structure row for every scored grade
/// of the rating ruleset's master scale (and none for a grade it lacks), and pricing measure rules that read only what a
/// loan review knows. Checked when a folder is loaded, like the other checks across files.
/// </summary>
internal static partial class ProvisioningCheck
{
    /// <summary>What the pricing ruleset's lgd, ead, covered-exposure and risk-weight rules may read when they measure a loan under review.</summary>
    public static readonly IReadOnlySet<string> MeasureRuleReads = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "loan.product", "loan.amount", "loan.collateralType", "loan.collateralValue", "loan.unconditionallyCancellable",
        "limit.approvedAmount", "applicant.enterpriseSize", "applicant.existingExposure", "applicant.industry", "applicant.region",
    };

    private static readonly PricingMeasure[] Measures = [PricingMeasure.Lgd, PricingMeasure.Ead, PricingMeasure.CoveredExposure, PricingMeasure.RiskWeight];

    public static IEnumerable<RuleError> Check(IReadOnlyList<CompiledRuleset> rulesets)
    {
        var monitoring = rulesets.FirstOrDefault(r => r.Stage == Stage.Monitoring);
        if (monitoring?.Settings.PdTermStructure is not { } curve) yield break;

        if (rulesets.FirstOrDefault(r => r.Stage == Stage.Rating) is { } rating)
        {
            var scored = rating.Settings.Grades.Take(rating.Settings.ScoredGradeCount).Select(g => g.Grade).ToList();
            foreach (var grade in scored.Where(g => !curve.ForwardPds.ContainsKey(g)))
            {
                yield return new RuleError(monitoring.SourceFile, monitoring.Name, null, null,
                    $"Settings.PdTermStructure has no row for grade '{grade}' of the master scale in {Path.GetFileName(rating.SourceFile)}");
            }
            foreach (var grade in curve.ForwardPds.Keys.Where(g => !scored.Contains(g)).Order(StringComparer.Ordinal))
            {
                yield return new RuleError(monitoring.SourceFile, monitoring.Name, null, null,
                    $"Settings.PdTermStructure lists grade '{grade}', which is not a scored grade of the master scale in {Path.GetFileName(rating.SourceFile)}");
            }
        }

        if (rulesets.FirstOrDefault(r => r.Stage == Stage.Pricing) is not { } pricing) yield break;
        foreach (var rule in pricing.Rules.Where(r => Measures.Contains(r.Spec.Sets)))
        {
            foreach (var read in Reads(rule.Expression).Concat(Reads(rule.OutputExpression ?? "")).Distinct(StringComparer.OrdinalIgnoreCase))
            {
                if (MeasureRuleReads.Contains(read)) continue;
                yield return new RuleError(pricing.SourceFile, pricing.Name, rule.Name, rule.Expression,
                    $"reads {read}, which a loan review does not know: the monitoring ruleset measures loans under review with the pricing " +
                    $"ruleset's {string.Join(", ", Measures.Select(KebabCase.Of))} rules, which may read only {string.Join(", ", MeasureRuleReads)}");
            }
        }
    }

    private static IEnumerable<string> Reads(string expression) => InputMember().Matches(expression).Select(m => $"{m.Groups[1].Value}.{m.Groups[2].Value}");

    [GeneratedRegex(@"\b(applicant|loan|limit|rating|approval|concentration|guarantees)\s*\.\s*([A-Za-z_][A-Za-z0-9_]*)", RegexOptions.IgnoreCase)]
    private static partial Regex InputMember();
}
