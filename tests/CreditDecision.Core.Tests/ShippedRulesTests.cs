using System.Text.Json;
using CreditDecision.Core.Contracts;
using CreditDecision.Core.Decisions;
using CreditDecision.Core.Portfolio;
using CreditDecision.Core.Rules;

namespace CreditDecision.Core.Tests;

public class ShippedRulesTests
{
    private static readonly RulesetSnapshot Snapshot = ShippedRules.Snapshot;

    public static LoanApplication Sample(string name)
    {
        var json = File.ReadAllText(Path.Combine(RepoPaths.Samples, name + ".json"));
        var application = JsonSerializer.Deserialize<LoanApplication>(json, ContractJson.Options)!;
        var errors = ApplicationValidator.Validate(application);
        Assert.True(errors.Count == 0, $"{name}: " + string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(", ", e.Value)}")));
        return application;
    }

    private static Task<DecisionResponse> Decide(string sample) =>
        Task.FromResult(DecisionPipeline.Evaluate(Snapshot, ShippedPortfolio, Sample(sample), Guid.Empty, DateTimeOffset.UnixEpoch));

    private static readonly PortfolioSnapshot ShippedPortfolio = PortfolioSnapshot.Parse(File.ReadAllBytes(RepoPaths.PortfolioFile)).Snapshot!;

    [Fact]
    public void Every_stage_has_exactly_one_shipped_ruleset()
    {
        Assert.Equal(Stages.DecisionOrder, Snapshot.InDecisionOrder.Select(r => r.Stage));
    }

    [Fact]
    public async Task Healthy_manufacturer_is_approved_with_a_limit_and_a_rate()
    {
        var decision = await Decide("healthy-manufacturer");
        Assert.Equal("approve", decision.Outcome);
        Assert.Empty(decision.Reasons);
        Assert.True(decision.Limit.ApprovedAmount > 0);
        Assert.True(decision.Pricing.AnnualRate > 0);
        Assert.Equal("green", decision.WarningLevel);
    }

    [Fact]
    public async Task Tax_arrears_decline_with_their_reason_code()
    {
        var decision = await Decide("tax-arrears");
        Assert.Equal("decline", decision.Outcome);
        Assert.Contains(decision.Reasons, r => r.Code == "KO_TAX_ARREARS" && r.Effect == "decline");
        Assert.Equal(0m, decision.Limit.ApprovedAmount);
        Assert.Equal("declined", decision.Limit.BindingCap);
    }

    [Fact]
    public async Task Young_firm_with_thin_history_is_referred()
    {
        var decision = await Decide("young-firm");
        Assert.Equal("refer", decision.Outcome);
        Assert.Contains(decision.Reasons, r => r.Code == "REF_SHORT_TRADING_HISTORY");
        Assert.DoesNotContain(decision.Reasons, r => r.Effect == "decline");
    }

    [Fact]
    public async Task Large_request_is_capped_by_its_working_capital_need()
    {
        var decision = await Decide("large-request");
        Assert.NotEqual("decline", decision.Outcome);
        Assert.Equal("working-capital-need", decision.Limit.BindingCap);
        Assert.True(decision.Limit.ApprovedAmount < decision.Limit.RequestedAmount);
    }
}
