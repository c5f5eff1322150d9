using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CreditDecision.Api.Tests;

/// <summary>The reasons a customer can read, through HTTP: what they say, which and how many, the scorecard factors, and replay.</summary>
public sealed class CustomerReasonTests
{
    public static TheoryData<string> Stores => TestStores.All;

    /// <summary>A manufacturer whose ratios, owner score and late payments leave it below the automatic approval band.</summary>
    private static ApplicationJson WeakManufacturer() => ApplicationJson.FromSample("healthy-manufacturer").WithChanges(
        "applicant.yearsInBusiness=4", "applicant.netProfitMargin=0.005", "applicant.currentRatio=0.9",
        "applicant.revenueGrowth=-0.1", "applicant.creditScore=560", "applicant.overdueCountLast24m=2");

    private static List<JsonElement> CustomerReasons(JsonElement decision) => [.. decision.GetProperty("customerReasons").EnumerateArray()];

    [Fact]
    public async Task A_referral_tells_the_customer_its_reason_in_English_and_Chinese_and_an_approval_tells_nothing()
    {
        using var app = new CreditDecisionApplication(RepoPaths.Rules);
        using var client = app.CreateClient();

        var referral = await client.DecideOk(ApplicationJson.FromSample("young-firm"));
        var told = Assert.Single(CustomerReasons(referral));
        Assert.Equal("REF_SHORT_TRADING_HISTORY", told.GetProperty("code").GetString());
        Assert.Equal("The business has traded for less than two years, so a credit officer will review the application.", told.GetProperty("en").GetString());
        Assert.Equal("贵企业经营未满两年，将由信贷人员进一步审查。", told.GetProperty("zhHans").GetString());
        Assert.False(told.TryGetProperty("factors", out _));

        var approval = await client.DecideOk(ApplicationJson.FromSample("healthy-manufacturer"));
        Assert.Equal("approve", approval.GetProperty("outcome").GetString());
        Assert.Empty(CustomerReasons(approval));
    }

    [Fact]
    public async Task A_decline_tells_its_knock_outs_only_at_most_four_in_the_order_of_its_reasons()
    {
        using var app = new CreditDecisionApplication(RepoPaths.Rules);
        using var client = app.CreateClient();

        var taxArrears = await client.DecideOk(ApplicationJson.FromSample("tax-arrears"));
        Assert.Contains(taxArrears.GetProperty("reasons").EnumerateArray(), r => r.GetProperty("effect").GetString() == "refer");
        Assert.Equal(["KO_TAX_ARREARS"], CustomerReasons(taxArrears).Select(r => r.GetProperty("code").GetString()));

        var distressed = await client.DecideOk(ApplicationJson.FromSample("distressed-construction"));
        var knockOuts = distressed.GetProperty("reasons").EnumerateArray()
            .Where(r => r.GetProperty("effect").GetString() == "decline").Select(r => r.GetProperty("code").GetString()).Distinct().ToList();
        Assert.True(knockOuts.Count > 4, $"the sample has {knockOuts.Count} knock-outs");
        Assert.Equal(knockOuts.Take(4), CustomerReasons(distressed).Select(r => r.GetProperty("code").GetString()));
    }

    [Fact]
    public async Task A_grade_driven_referral_names_the_factors_that_cost_the_most_points_against_their_best_bin()
    {
        using var app = new CreditDecisionApplication(RepoPaths.Rules);
        using var client = app.CreateClient();
        var decision = await client.DecideOk(WeakManufacturer());
        Assert.Equal("refer", decision.GetProperty("outcome").GetString());

        var weakGrade = Assert.Single(CustomerReasons(decision), r => r.GetProperty("code").GetString() == "REF_WEAK_GRADE");
        var factors = weakGrade.GetProperty("factors").EnumerateArray()
            .Select(f => (Factor: f.GetProperty("factor").GetString()!, Points: f.GetProperty("pointsBelowBest").GetDecimal())).ToList();
        Assert.Equal(CostliestFactors(decision).Take(3), factors);
        Assert.All(weakGrade.GetProperty("factors").EnumerateArray(), f => Assert.False(string.IsNullOrWhiteSpace(f.GetProperty("zhHans").GetString())));
    }

    /// <summary>Each factor's fired points against its best bin, from the rating rule file and the decision's trace.</summary>
    private static List<(string Factor, decimal Points)> CostliestFactors(JsonElement decision)
    {
        var rating = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Rules, "rating.json")))!["Rules"]!.AsArray()
            .Where(rule => rule!["Properties"]!["Factor"] is not null)
            .ToDictionary(rule => rule!["RuleName"]!.GetValue<string>(), rule => (Factor: rule!["Properties"]!["Factor"]!.GetValue<string>(), Points: rule["Properties"]!["Points"]!.GetValue<decimal>()));
        var best = rating.Values.GroupBy(bin => bin.Factor).ToDictionary(g => g.Key, g => g.Max(bin => bin.Points));
        var fired = decision.GetProperty("trace").EnumerateArray().Single(stage => stage.GetProperty("stage").GetString() == "rating")
            .GetProperty("rules").EnumerateArray()
            .Where(rule => rule.GetProperty("fired").GetBoolean() && rating.ContainsKey(rule.GetProperty("rule").GetString()!))
            .Select(rule => rating[rule.GetProperty("rule").GetString()!]);
        return [.. fired.Select(bin => (bin.Factor, Points: best[bin.Factor] - bin.Points)).Where(f => f.Points > 0)
            .OrderByDescending(f => f.Points).ThenBy(f => best.Keys.ToList().IndexOf(f.Factor))];
    }

    [SkippableTheory, MemberData(nameof(Stores))]
    public async Task Replay_reproduces_the_customer_reasons_and_against_current_shows_a_changed_text(string store)
    {
        Requires.Store(store);
        using var rules = RepoPaths.CopyOfRules();
        using var app = new CreditDecisionApplication(rules.Path, store);
        using var client = app.CreateClient();
        var decision = await client.DecideOk(WeakManufacturer());
        var id = decision.GetProperty("decisionId").GetGuid();

        FileEdit.Replace(Path.Combine(rules.Path, "rating.json"), "\"En\": \"Profit margin\"", "\"En\": \"Net profit as a share of revenue\"");
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/rulesets/reload", null)).StatusCode);

        var recorded = await Finals.ReplayAsync(client, id);
        Assert.True(recorded["identical"]!.GetValue<bool>(), recorded["differences"]!.ToJsonString());
        var current = await Finals.ReplayAsync(client, id, "?against=current");
        Assert.False(current["identical"]!.GetValue<bool>());
        var changed = Assert.Single(current["differences"]!.AsArray(), d => d!["path"]!.GetValue<string>().StartsWith("$.customerReasons", StringComparison.Ordinal))!;
        Assert.Equal("Profit margin", changed["before"]!.GetValue<string>());
        Assert.Equal("Net profit as a share of revenue", changed["after"]!.GetValue<string>());
    }
}
