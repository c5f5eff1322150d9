using CreditDecision.Core.Contracts;
using CreditDecision.Core.Rules;

namespace CreditDecision.Core.Provisioning;

/// <summary>
/// The monitoring rules that assess a loan rather than signal: a default trigger (<c>"Default": true</c>, the loan is
/// in default: default grade, stage 3), a classification floor (<c>"Classification": "substandard"</c>) and a
/// significant-increase trigger (<c>"Stage": 2</c>). One rule may carry several of them; a signal carries a Code instead.
/// </summary>
internal static class AssessmentRules
{
    private static readonly string[] Effects = ["Default", "Classification", "Stage"];

    public static bool IsAssessment(PropertyReader reader) => !reader.Has("Code") && Effects.Any(reader.Has);

    public static RuleSpec Read(PropertyReader reader) => new()
    {
        DefaultTrigger = reader.Has("Default") && reader.True("Default"),
        Classification = reader.Has("Classification") ? ClassificationOf(reader) : null,
        StageTrigger = reader.Has("Stage") ? reader.WholeNumber("Stage", 2, 2) : null,
    };

    private static LoanClassification? ClassificationOf(PropertyReader reader)
    {
        var floor = reader.Enum("Classification", exclude: LoanClassification.Normal);
        return floor == LoanClassification.Normal ? null : floor;
    }

    /// <summary>Classification, stage and default rules need the settings to provision with, and those settings go together.</summary>
    public static IEnumerable<(string? Rule, string Message)> Problems(StageSettings settings, IEnumerable<CompiledRule> rules)
    {
        if ((settings.PdTermStructure is null) != (settings.DefaultedExposure is null))
        {
            yield return (null, "Settings.PdTermStructure and Settings.DefaultedExposure go together: a ruleset that provisions needs both");
        }
        if (settings.PdTermStructure is not null) yield break;
        foreach (var rule in rules.Where(r => r.Spec.Code is null))
        {
            yield return (rule.Name, "is a classification, stage or default rule, but Settings has no PdTermStructure and DefaultedExposure to provision with");
        }
    }
}
