using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CreditDecision.Core.Rules;

namespace CreditDecision.Core.Tests;

/// <summary>The words customers are given for reasons and scorecard factors: checked as rule files load, and plain in the shipped rules.</summary>
public class CustomerTextTests
{
    private static string ApprovalWith(string customerText) =>
        RuleFiles.Approval("applicant.taxArrears > 0").Replace("\"Message\": \"Probe fired.\"", $"\"Message\": \"Probe fired.\", \"CustomerText\": {customerText}", StringComparison.Ordinal);

    [Fact]
    public void A_reason_text_needs_both_languages_and_Chinese_in_Chinese()
    {
        var missing = RuleFiles.SingleError(ApprovalWith("""{ "En": "You owe taxes." }"""));
        Assert.Equal("Probe", missing.Rule);
        Assert.Contains("Properties.CustomerText.ZhHans is required", missing.Message);

        var notChinese = RuleFiles.SingleError(ApprovalWith("""{ "En": "You owe taxes.", "ZhHans": "You owe taxes." }"""));
        Assert.Contains("Properties.CustomerText.ZhHans must be written in Chinese characters", notChinese.Message);

        var accepted = RuleFiles.Compile(ApprovalWith("""{ "En": "You owe taxes.", "ZhHans": "存在欠税。", "ScorecardFactors": true }"""));
        Assert.Equal(new CustomerText("You owe taxes.", "存在欠税。", ScorecardFactors: true), accepted.Ruleset!.Rules[0].Spec.Customer);
    }

    [Fact]
    public void An_approval_file_gives_every_reason_a_customer_text_or_none()
    {
        var file = JsonNode.Parse(ApprovalWith("""{ "En": "You owe taxes.", "ZhHans": "存在欠税。" }"""))!;
        var second = JsonNode.Parse(file["Rules"]![0]!.ToJsonString())!;
        second["RuleName"] = "Untold";
        second["Properties"]!.AsObject().Remove("CustomerText");
        file["Rules"]!.AsArray().Add(second);

        var error = RuleFiles.SingleError(file.ToJsonString());
        Assert.Equal("Untold", error.Rule);
        Assert.Contains("give every reason a CustomerText, or none", error.Message);
    }

    [Fact]
    public void Customer_factor_texts_cover_exactly_the_scorecards_factors()
    {
        var rating = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Rules, "rating.json")))!;
        var factors = rating["Settings"]!["CustomerFactors"]!.AsObject();
        factors.Remove("leverage");
        factors["weather"] = JsonNode.Parse("""{ "En": "The weather", "ZhHans": "天气" }""");

        var errors = RuleFiles.Compile(rating.ToJsonString(), "rating.json").Errors;
        Assert.Contains(errors, e => e.Message.Contains("Settings.CustomerFactors has no text for the factor 'leverage'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Message.Contains("Settings.CustomerFactors.weather is not a factor of any enabled rule", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_shipped_reason_has_plain_words_for_customers_in_both_languages()
    {
        var snapshot = ShippedRules.Snapshot;
        var reasons = snapshot.InDecisionOrder.SelectMany(ruleset => ruleset.Rules.Select(rule => rule.Spec).Where(spec => spec.Effect is not null))
            .Concat(new[]
            {
                snapshot[Stage.Limit].Settings.BelowMinimum!,
                snapshot[Stage.Authority].Settings.AuthorityReferral!,
                snapshot[Stage.EarlyWarning].Settings.WarningReferral!.Reason,
            })
            .ToList();
        Assert.True(reasons.Count > 30);
        Assert.All(reasons, reason => Assert.True(reason.Customer is not null, $"{reason.Code} has no customer text"));

        // Single-letter grades are checked where they would be named ("a rating of D"): "A" is also an article.
        var grades = snapshot[Stage.Rating].Settings.Grades.Select(g => g.Grade).Where(g => g.Length > 1).ToHashSet(StringComparer.Ordinal);
        var texts = reasons.Select(r => (r.Code!, r.Customer!))
            .Concat(snapshot[Stage.Rating].Settings.CustomerFactors!.Select(f => (f.Key, f.Value)));
        foreach (var (subject, text) in texts)
        {
            var words = Regex.Split(text.En, @"[^A-Za-z_]+");
            Assert.DoesNotContain(words, word => grades.Contains(word));
            Assert.DoesNotMatch(@"\b(KO|REF)_|\b(grade|scorecard|PD|LGD|DSCR|EBITDA|knock-out)\b|\b(rating|rated)( of)? [A-D]\b", text.En);
            Assert.True(!text.ZhHans.Any(char.IsAsciiLetter), $"{subject}: the Chinese text has Latin letters: {text.ZhHans}");
        }
    }
}
