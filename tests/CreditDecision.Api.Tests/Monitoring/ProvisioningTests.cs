using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace CreditDecision.Api.Tests;

/// <summary>
/// POST /monitor classifies, stages and provisions each loan under the 2027-Q1 monitoring policy, and a review linked to
/// the decision that granted its loan reads its origination from the log.
/// </summary>
public sealed class ProvisioningTests
{
    /// <summary>A performing BBB term loan with the caller's own origination terms: unsecured, 6 %, due 2028-05-20.</summary>
    private static JsonObject TermLoan(string loanId, params (string Field, JsonNode? Value)[] changes)
    {
        var loan = MonitoringTests.HealthyLoan(loanId);
        loan["outstandingAmount"] = 1_000_000;
        loan["undrawnAmount"] = 0;
        loan["utilisation"] = 1;
        loan["terms"] = new JsonObject
        {
            ["originationGrade"] = "BBB",
            ["product"] = "term-loan",
            ["industry"] = "manufacturing",
            ["region"] = "jiangsu-nanjing",
            ["enterpriseSize"] = "small",
            ["collateralType"] = "none",
            ["collateralValue"] = 0,
            ["annualRate"] = 0.06,
            ["maturityDate"] = "2028-05-20",
        };
        foreach (var (field, value) in changes)
        {
            var (parent, name) = field.StartsWith("terms.", StringComparison.Ordinal) ? (loan["terms"]!.AsObject(), field[6..]) : (loan, field);
            parent[name] = value;
        }
        return loan;
    }

    private static async Task<JsonObject> ReviewAsync(HttpClient client, JsonObject loan)
    {
        var response = await client.PostAsJsonAsync("/monitor", new JsonArray(loan.DeepClone()));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Empty(body["errors"]!.AsArray());
        return Assert.Single(body["results"]!.AsArray())!["result"]!.AsObject();
    }

    private static async Task<JsonObject> RefusedAsync(HttpClient client, JsonObject loan)
    {
        var response = await client.PostAsJsonAsync("/monitor", new JsonArray(loan.DeepClone()));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Empty(body["results"]!.AsArray());
        return Assert.Single(body["errors"]!.AsArray())!["error"]!.AsObject();
    }

    private static decimal Number(JsonNode? node) => node!.GetValue<decimal>();

    [Fact]
    public async Task A_BBB_loan_91_days_past_due_is_substandard_in_stage_3_at_grade_D_with_a_loss_of_LGD_times_EAD()
    {
        using var app = new CreditDecisionApplication();
        using var client = app.CreateClient();

        var review = await ReviewAsync(client, TermLoan("L-91", ("daysPastDue", 91), ("overdueInstalments", 3)));

        Assert.Equal("BBB", review["currentGrade"]!.GetValue<string>());
        Assert.Equal("D", review["suggestedGrade"]!.GetValue<string>());
        Assert.Equal("substandard", review["classification"]!.GetValue<string>());
        Assert.Equal(3, review["stage"]!.GetValue<int>());
        Assert.Equal(1m, Number(review["pd12m"]));
        Assert.Equal(1m, Number(review["pdLifetime"]));
        Assert.Equal(0.45m, Number(review["lgd"]));
        Assert.Equal(1_000_000m, Number(review["ead"]));
        Assert.Equal(Number(review["lgd"]) * Number(review["ead"]), Number(review["ecl"]));
        Assert.Equal("sme-monitoring/DefaultPastDue90", review["setBy"]!["stage"]!.GetValue<string>());
        Assert.Equal("sme-monitoring/DefaultPastDue90", review["setBy"]!["classification"]!.GetValue<string>());
        // Provisions of 45 % of the outstanding amount are above 20 %: the defaulted exposure, net of them, weighs 100 %.
        Assert.Equal(1m, Number(review["riskWeight"]));
        Assert.Equal(550_000m, Number(review["riskWeightedAssets"]));
    }

    [Fact]
    public async Task An_AAA_loan_35_days_past_due_is_in_stage_2_and_one_280_days_past_due_is_doubtful()
    {
        using var app = new CreditDecisionApplication();
        using var client = app.CreateClient();

        var late = await ReviewAsync(client, TermLoan("L-35", ("currentGrade", "AAA"), ("terms.originationGrade", "AAA"), ("daysPastDue", 35), ("overdueInstalments", 1)));
        Assert.Equal(2, late["stage"]!.GetValue<int>());
        Assert.Equal("lifetime", late["eclHorizon"]!.GetValue<string>());
        Assert.Equal("sme-monitoring/SignificantIncreasePastDue30", late["setBy"]!["stage"]!.GetValue<string>());
        Assert.Equal("special-mention", late["classification"]!.GetValue<string>());
        Assert.True(Number(late["pdLifetime"]) > Number(late["pd12m"]));

        var doubtful = await ReviewAsync(client, TermLoan("L-280", ("daysPastDue", 280), ("overdueInstalments", 9)));
        Assert.Equal("doubtful", doubtful["classification"]!.GetValue<string>());
        Assert.Equal("sme-monitoring/OverdueDoubtful", doubtful["setBy"]!["classification"]!.GetValue<string>());
        Assert.Equal(3, doubtful["stage"]!.GetValue<int>());
    }

    /// <summary>The worked example of the README's "Classification, staging and expected credit loss", computed there by hand.</summary>
    [Fact]
    public async Task The_worked_example_of_the_README_gives_the_figures_computed_there_by_hand()
    {
        using var app = new CreditDecisionApplication();
        using var client = app.CreateClient();

        var review = await ReviewAsync(client, TermLoan("LN-EXAMPLE", ("currentGrade", "BB"), ("terms.originationGrade", "AA")));

        Assert.Equal("green", review["warningLevel"]!.GetValue<string>());
        Assert.Equal("normal", review["classification"]!.GetValue<string>());
        Assert.Equal(3, review["notchesSinceOrigination"]!.GetValue<int>());
        Assert.Equal(2, review["stage"]!.GetValue<int>());
        Assert.Equal("sme-monitoring/SignificantIncreaseDowngrade", review["setBy"]!["stage"]!.GetValue<string>());
        Assert.Equal(18, review["remainingMonths"]!.GetValue<int>());
        Assert.Equal(0.007m, Number(review["pd12m"]));
        Assert.Equal(0.010873m, Number(review["pdLifetime"]));
        Assert.Equal(0.45m, Number(review["lgd"]));
        Assert.Equal(1_000_000m, Number(review["ead"]));
        Assert.Equal(4_560.08m, Number(review["ecl"]));
        Assert.Equal(0.75m, Number(review["riskWeight"]));
        Assert.Equal(750_000m, Number(review["riskWeightedAssets"]));
        Assert.Equal("sme-pricing/LgdUnsecured", review["setBy"]!["lgd"]!.GetValue<string>());

        // The same loan without the downgrade is in stage 1: the first year's loss only.
        var performing = await ReviewAsync(client, TermLoan("LN-EXAMPLE-2", ("currentGrade", "BB"), ("terms.originationGrade", "A")));
        Assert.Equal(1, performing["stage"]!.GetValue<int>());
        Assert.Equal(2_967.00m, Number(performing["ecl"]));
    }

    [SkippableTheory, MemberData(nameof(Stores))]
    public async Task A_review_linked_to_its_origination_decision_reads_grade_PD_limit_rate_and_collateral_from_the_log_and_replays_identical(string store)
    {
        Requires.Store(store);
        using var app = new CreditDecisionApplication(RepoPaths.Rules, store);
        using var client = app.CreateClient();
        var decided = await (await client.PostAsync("/decide", ApplicationJson.FromSample("healthy-manufacturer").ToContent())).Content.ReadFromJsonAsync<JsonObject>();
        var decisionId = decided!["decisionId"]!.GetValue<string>();

        var loan = MonitoringTests.HealthyLoan("LN-HUARUI-1");
        loan["enterpriseId"] = "91320115MA1W8K2P3X";
        loan["currentGrade"] = "BBB";
        loan["outstandingAmount"] = 2_500_000;
        loan["undrawnAmount"] = 0;
        loan["decisionId"] = decisionId;
        var byDecision = await ReviewAsync(client, loan);

        var origination = byDecision["origination"]!;
        Assert.Equal("decision-log", origination["source"]!.GetValue<string>());
        Assert.Equal(decisionId, origination["decisionId"]!.GetValue<string>());
        Assert.Equal(decided["rating"]!["grade"]!.GetValue<string>(), origination["grade"]!.GetValue<string>());
        Assert.Equal(Number(decided["rating"]!["pd"]), Number(origination["pd"]));
        Assert.Equal(Number(decided["limit"]!["approvedAmount"]), Number(origination["approvedAmount"]));
        Assert.Equal(Number(decided["pricing"]!["annualRate"]), Number(origination["annualRate"]));
        Assert.Equal("2027-11-20", origination["maturityDate"]!.GetValue<string>());
        Assert.Equal(decided["enterpriseSize"]!.GetValue<string>(), origination["enterpriseSize"]!.GetValue<string>());
        // AA at origination, BBB today: two notches, measured against the log, not against the caller.
        Assert.Equal(2, byDecision["notchesSinceOrigination"]!.GetValue<int>());

        // Found by its application id instead, the review keeps the decision it was linked to.
        loan.Remove("decisionId");
        loan["applicationId"] = "APP-2026-000101";
        loan["loanId"] = "LN-HUARUI-2";
        var byApplication = await ReviewAsync(client, loan);
        Assert.Equal(decisionId, byApplication["origination"]!["decisionId"]!.GetValue<string>());
        var stored = await client.GetFromJsonAsync<JsonObject>($"/decisions/{byApplication["monitoringId"]}");
        Assert.Equal(decisionId, stored!["request"]!["decisionId"]!.GetValue<string>());

        foreach (var id in new[] { byDecision["monitoringId"]!.GetValue<string>(), byApplication["monitoringId"]!.GetValue<string>() })
        {
            var replay = await (await client.PostAsync($"/decisions/{id}/replay", null)).Content.ReadFromJsonAsync<JsonObject>();
            Assert.True(replay!["identical"]!.GetValue<bool>(), replay["differences"]!.ToJsonString());
        }
    }

    [Fact]
    public async Task A_review_without_a_link_says_so_and_uses_the_callers_terms_or_the_safest_assumptions()
    {
        using var app = new CreditDecisionApplication();
        using var client = app.CreateClient();

        var withTerms = await ReviewAsync(client, TermLoan("L-TERMS"));
        Assert.Equal("caller", withTerms["origination"]!["source"]!.GetValue<string>());
        Assert.Equal(0.06m, Number(withTerms["origination"]!["annualRate"]));

        var bare = await ReviewAsync(client, MonitoringTests.HealthyLoan("L-BARE"));
        Assert.Equal("none", bare["origination"]!["source"]!.GetValue<string>());
        Assert.Equal(36, bare["remainingMonths"]!.GetValue<int>());
        // Unsecured, and the undrawn 600,000 converted in full: no product is known.
        Assert.Equal(0.45m, Number(bare["lgd"]));
        Assert.Equal(3_000_000m, Number(bare["ead"]));
    }

    [Fact]
    public async Task A_link_the_log_cannot_give_is_the_loans_own_error_naming_the_field()
    {
        using var app = new CreditDecisionApplication();
        using var client = app.CreateClient();
        var decided = await (await client.PostAsync("/decide", ApplicationJson.FromSample("healthy-manufacturer").ToContent())).Content.ReadFromJsonAsync<JsonObject>();
        var declined = await (await client.PostAsync("/decide", ApplicationJson.FromSample("tax-arrears").ToContent())).Content.ReadFromJsonAsync<JsonObject>();

        var unknown = MonitoringTests.HealthyLoan("L-UNKNOWN");
        unknown["decisionId"] = Guid.NewGuid().ToString();
        Assert.Contains("not the id of a decision", (await RefusedAsync(client, unknown))["errors"]!["decisionId"]![0]!.GetValue<string>());

        var otherEnterprise = MonitoringTests.HealthyLoan("L-OTHER");
        otherEnterprise["decisionId"] = decided!["decisionId"]!.GetValue<string>();
        Assert.True((await RefusedAsync(client, otherEnterprise))["errors"]!.AsObject().ContainsKey("enterpriseId"));

        var ofADecline = MonitoringTests.HealthyLoan("L-DECLINED");
        ofADecline["applicationId"] = declined!["applicationId"]!.GetValue<string>();
        ofADecline["enterpriseId"] = (await client.GetFromJsonAsync<JsonObject>($"/decisions/{declined["decisionId"]}"))!["enterpriseId"]!.GetValue<string>();
        Assert.Contains("declined", (await RefusedAsync(client, ofADecline))["errors"]!["applicationId"]![0]!.GetValue<string>());

        var linkedWithTerms = TermLoan("L-BOTH", ("decisionId", decided["decisionId"]!.GetValue<string>()));
        Assert.True((await RefusedAsync(client, linkedWithTerms))["errors"]!.AsObject().ContainsKey("terms"));

        var logged = await client.GetFromJsonAsync<JsonObject>("/decisions?kind=monitoring");
        Assert.Empty(logged!["items"]!.AsArray());
    }

    public static TheoryData<string> Stores => TestStores.All;
}
