using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using CreditDecision.Core.Contracts;
using CreditDecision.Core.Decisions;
using CreditDecision.Core.Portfolio;
using CreditDecision.Core.Rules;
using CreditDecision.Core.Vocabulary;
using RulesEngine.Models;

namespace CreditDecision.Core.Tests;

/// <summary>
/// The pipeline evaluates each rule through a delegate compiled from RulesEngine's own parse of its expression.
/// This proves that RulesEngine's workflow executor, given the same inputs, fires exactly the same rules: for the
/// shipped samples and hundreds of generated variations of them, in every stage.
/// </summary>
public class EngineEquivalenceTests
{
    private static readonly RulesetSnapshot Snapshot = ShippedRules.Snapshot;
    private static readonly PortfolioSnapshot Portfolio = PortfolioSnapshot.Parse(File.ReadAllBytes(RepoPaths.PortfolioFile)).Snapshot!;

    private static readonly Dictionary<Stage, RulesEngine.RulesEngine> Engines = Stages.All.ToDictionary(
        stage => stage, stage => new RulesEngine.RulesEngine([Snapshot[stage].Workflow], RulesetCompiler.EngineSettings));

    public static IEnumerable<LoanApplication> Applications()
    {
        var random = new Random(20261123);
        var samples = Directory.EnumerateFiles(RepoPaths.Samples, "*.json").Order().Select(File.ReadAllText).ToList();
        foreach (var sample in samples) yield return Parse(sample)!;
        for (var produced = 0; produced < 400;)
        {
            var variant = Vary(JsonNode.Parse(samples[random.Next(samples.Count)])!.AsObject(), random);
            if (Parse(variant.ToJsonString()) is not { } application) continue;
            produced++;
            yield return application;
        }
    }

    [Fact]
    public async Task RulesEngine_fires_the_same_rules_as_the_compiled_delegates_in_every_decision_stage()
    {
        var compared = 0;
        foreach (var application in Applications())
        {
            var decision = DecisionPipeline.Evaluate(Snapshot, Portfolio, application, Guid.Empty, DateTimeOffset.UnixEpoch);
            var facts = FactsBuilder.Build(Snapshot, application, Portfolio);
            foreach (var stage in Stages.DecisionOrder)
            {
                SetEarlierResults(facts, application, decision, stage);
                var expected = decision.Trace.Single(t => t.Stage == stage.WireName()).Rules.Select(r => r.Fired);
                Assert.Equal(expected, await FiredInRulesEngine(stage, facts));
                compared++;
            }
        }
        Assert.Equal(408 * Stages.DecisionOrder.Count, compared);
    }

    [Fact]
    public async Task RulesEngine_fires_the_same_monitoring_rules()
    {
        foreach (var line in File.ReadLines(Path.Combine(RepoPaths.Samples, "loan-book.ndjson")))
        {
            var review = JsonSerializer.Deserialize<LoanReview>(line, ContractJson.Options)!;
            var result = MonitoringPipeline.Evaluate(Snapshot, review, Guid.Empty, DateTimeOffset.UnixEpoch);
            var grades = MonitoringPipeline.Grades(Snapshot);
            var facts = new DecisionFacts(MonitoringPipeline.Facts(review, grades.ToList().IndexOf(review.CurrentGrade!) + 1))
            {
                // What the classification and stage rules saw of the signals and default triggers, taken from the review.
                Grading = new GradingFacts
                {
                    Grade = result.SuggestedGrade,
                    GradeRank = grades.ToList().IndexOf(result.SuggestedGrade) + 1,
                    InDefault = result.Stage == 3,
                    WarningLevel = result.WarningLevel,
                    OriginationGrade = result.Origination!.Grade,
                    OriginationGradeRank = grades.ToList().IndexOf(result.Origination.Grade) + 1,
                    NotchesSinceOrigination = result.NotchesSinceOrigination!.Value,
                    Linked = false,
                },
            };
            Assert.Equal(Assert.Single(result.Trace).Rules.Select(r => r.Fired), await FiredInRulesEngine(Stage.Monitoring, facts));
        }
    }

    private static async Task<IEnumerable<bool>> FiredInRulesEngine(Stage stage, DecisionFacts facts)
    {
        var ruleset = Snapshot[stage];
        var parameters = stage.Inputs().Select(input => new RuleParameter(input.Name, input.Read(facts)!)).ToArray();
        var results = await Engines[stage].ExecuteAllRulesAsync(ruleset.Name, parameters);
        Assert.All(results, result => Assert.True(string.IsNullOrEmpty(result.ExceptionMessage), result.ExceptionMessage));
        return results.Select(result => result.IsSuccess);
    }

    /// <summary>What the stage saw of the stages before it, taken from the decision.</summary>
    private static void SetEarlierResults(DecisionFacts facts, LoanApplication application, DecisionResponse decision, Stage stage)
    {
        var rating = decision.Rating;
        facts.Rating = new RatingFacts { Score = rating.Score, Grade = rating.Grade, GradeRank = rating.GradeRank, Pd = rating.Pd };
        facts.Guarantees = FactsBuilder.Guarantees(
            application.Request!.Guarantors, Snapshot[Stage.Limit].Settings.GuaranteeRecognition, Snapshot[Stage.Rating].Settings.Grades, rating.GradeRank);
        // The limit stage runs before a limit below the minimum amount can turn an approval into a referral; the
        // authority stage before its own referral, pricing and early warning before the early-warning referral.
        facts.Approval = new ApprovalFacts
        {
            Outcome = stage switch
            {
                Stage.Limit => OutcomeOfApprovalRules(decision),
                Stage.Authority => OutcomeWithout(decision, Stage.Authority, Stage.EarlyWarning),
                _ => OutcomeWithout(decision, Stage.EarlyWarning),
            },
        };
        facts.Limit = DecisionPipeline.LimitFactsOf(facts, decision.Limit.ApprovedAmount, decision.Limit.BindingCap);
    }

    /// <summary>The outcome the decision's reasons give without the referrals the named stages' Settings added.</summary>
    private static string OutcomeWithout(DecisionResponse decision, params Stage[] stages)
    {
        var excluded = stages.Select(s => Snapshot[s].Name).ToHashSet();
        var reasons = decision.Reasons.Where(r => !(excluded.Contains(r.Ruleset) && r.Rule == "Settings.Referral")).ToList();
        return reasons.Any(r => r.Effect == DecisionPipeline.Decline) ? DecisionPipeline.Decline
            : reasons.Count > 0 ? DecisionPipeline.Refer
            : DecisionPipeline.Approve;
    }

    private static string OutcomeOfApprovalRules(DecisionResponse decision)
    {
        var approval = Snapshot[Stage.Approval];
        var trace = decision.Trace.Single(t => t.Stage == Stage.Approval.WireName()).Rules;
        var effects = trace.Select((rule, i) => rule.Fired ? approval.Rules[i].Spec.Effect : null).ToList();
        return effects.Contains(DecisionPipeline.Decline) ? DecisionPipeline.Decline
            : effects.Contains(DecisionPipeline.Refer) ? DecisionPipeline.Refer
            : DecisionPipeline.Approve;
    }

    private static LoanApplication? Parse(string json)
    {
        var application = JsonSerializer.Deserialize<LoanApplication>(json, ContractJson.Options)!;
        return ApplicationValidator.Validate(application).Count == 0 ? application : null;
    }

    /// <summary>Scales some of a sample's numbers and swaps its industry, staying mostly inside the valid ranges.</summary>
    private static JsonObject Vary(JsonObject sample, Random random)
    {
        foreach (var section in new[] { "applicant", "request" })
        {
            var fields = sample[section]!.AsObject();
            foreach (var (name, value) in fields.ToList())
            {
                if (value is JsonValue number && number.GetValueKind() == JsonValueKind.Number && random.Next(2) == 0)
                {
                    var scaled = decimal.Round(number.GetValue<decimal>() * (decimal)(random.NextDouble() * 3), number.ToJsonString().Contains('.') ? 2 : 0);
                    fields[name] = JsonNode.Parse(scaled.ToString(CultureInfo.InvariantCulture));
                }
            }
        }
        var industries = ContractJson.WireNamesOf<Industry>();
        if (random.Next(3) == 0) sample["applicant"]!["industry"] = industries[random.Next(industries.Count)];
        return sample;
    }
}
