using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace CreditDecision.Api.Tests;

/// <summary>
/// GET /portfolio/risk adds up the latest review of each loan in the log, and POST /portfolio/stress reviews the book
/// again under a named scenario; the figures are checked against sums taken here from the reviews as POST /monitor
/// answered them, and against a scenario computed by hand.
/// </summary>
public sealed class BookRiskTests
{
    private static readonly DateTimeOffset FirstDay = new(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset SecondDay = new(2026, 12, 31, 9, 0, 0, TimeSpan.Zero);

    private static JsonObject Loan(
        string loanId, string industry, string region, string product, decimal outstanding, params (string Field, JsonNode? Value)[] changes)
    {
        var loan = MonitoringTests.HealthyLoan(loanId);
        loan["outstandingAmount"] = outstanding;
        loan["undrawnAmount"] = 0;
        loan["utilisation"] = 1;
        loan["terms"] = new JsonObject
        {
            ["originationGrade"] = "BBB",
            ["product"] = product,
            ["industry"] = industry,
            ["region"] = region,
            ["enterpriseSize"] = "small",
            ["collateralType"] = "none",
            ["collateralValue"] = 0,
            ["annualRate"] = 0.06,
            ["maturityDate"] = "2028-05-20",
        };
        foreach (var (field, value) in changes) loan[field] = value;
        return loan;
    }

    private static (CreditDecisionApplication App, FakeTimeProvider Clock, WebApplicationFactory<Program> Host) Start(string rules)
    {
        var clock = new FakeTimeProvider(FirstDay);
        var app = new CreditDecisionApplication(rules);
        return (app, clock, app.WithWebHostBuilder(builder => builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(clock))));
    }

    private static HttpClient Client(WebApplicationFactory<Program> host) =>
        host.CreateDefaultClient(new ContractCheckingHandler(ServiceContract.Committed)).WithKey(TestKeys.AllRoles);

    private static async Task<List<JsonObject>> ReviewAsync(HttpClient client, params JsonObject[] loans)
    {
        var response = await client.PostAsJsonAsync("/monitor", new JsonArray([.. loans.Select(l => l.DeepClone())]));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Empty(body["errors"]!.AsArray());
        return [.. body["results"]!.AsArray().Select(r => r!["result"]!.AsObject())];
    }

    private static decimal Number(JsonNode? node) => node!.GetValue<decimal>();

    private static string Text(JsonNode? node) => node!.GetValue<string>();

    /// <summary>The expected figures of a set of reviews, summed here with no code of the service.</summary>
    private static void AssertFigures(IReadOnlyCollection<JsonObject> reviews, JsonNode? figures)
    {
        var outstanding = reviews.Sum(r => Number(r["outstandingAmount"]));
        var ecl = reviews.Sum(r => Number(r["ecl"]));
        var ead = reviews.Sum(r => Number(r["ead"]));
        var nonPerforming = reviews.Where(r => Text(r["classification"]) is "substandard" or "doubtful" or "loss").Sum(r => Number(r["outstandingAmount"]));
        Assert.Equal(reviews.Count, figures!["loans"]!.GetValue<long>());
        Assert.Equal(outstanding, Number(figures["outstanding"]));
        Assert.Equal(ead, Number(figures["ead"]));
        Assert.Equal(ecl, Number(figures["ecl"]));
        Assert.Equal(reviews.Sum(r => Number(r["riskWeightedAssets"])), Number(figures["riskWeightedAssets"]));
        Assert.Equal(nonPerforming, Number(figures["nonPerformingOutstanding"]));
        Assert.Equal(Math.Round(nonPerforming / outstanding, 6), Number(figures["nonPerformingRatio"]));
        Assert.Equal(Math.Round(ecl / ead, 6), Number(figures["eclToEad"]));
    }

    private static void AssertBreakdown(IReadOnlyCollection<JsonObject> reviews, Func<JsonObject, string> keyOf, JsonNode? rows)
    {
        var expected = reviews.GroupBy(keyOf).ToDictionary(g => g.Key, g => g.ToList());
        var actual = rows!.AsArray().ToDictionary(r => Text(r!["key"]), r => r!["figures"]);
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (key, group) in expected) AssertFigures(group, actual[key]);
    }

    [Fact]
    public async Task Portfolio_risk_adds_up_the_latest_review_of_each_loan_and_the_migration_since_an_earlier_day()
    {
        var (app, clock, host) = Start(RepoPaths.Rules);
        using var _ = app;
        using var __ = host;
        using var client = Client(host);

        var first = await ReviewAsync(client,
            Loan("BK-1", "manufacturing", "jiangsu-nanjing", "term-loan", 1_000_000m),
            Loan("BK-2", "manufacturing", "jiangsu-suzhou", "working-capital-loan", 2_000_000m, ("daysPastDue", 35), ("overdueInstalments", 1)),
            Loan("BK-3", "wholesale-retail", "jiangsu-suzhou", "term-loan", 1_500_000m),
            Loan("BK-4", "construction", "zhejiang-hangzhou", "term-loan", 800_000m, ("daysPastDue", 280), ("overdueInstalments", 9)));
        clock.SetUtcNow(SecondDay);
        var second = await ReviewAsync(client,
            Loan("BK-1", "manufacturing", "jiangsu-nanjing", "term-loan", 1_000_000m, ("daysPastDue", 91), ("overdueInstalments", 3)),
            Loan("BK-2", "manufacturing", "jiangsu-suzhou", "working-capital-loan", 1_900_000m),
            Loan("BK-5", "hospitality", "zhejiang-hangzhou", "term-loan", 600_000m, ("currentGrade", "CCC")));

        var latest = second.Concat(first.Where(f => second.All(s => Text(s["loanId"]) != Text(f["loanId"])))).ToList();
        var report = (await client.GetFromJsonAsync<JsonObject>("/portfolio/risk?asOf=2026-12-31&since=2026-11-30"))!;

        Assert.Equal(5, report["reviews"]!.GetValue<long>());
        Assert.Equal(0, report["notAssessed"]!.GetValue<long>());
        AssertFigures(latest, report["total"]);
        AssertBreakdown(latest, r => Text(r["suggestedGrade"]), report["byGrade"]);
        AssertBreakdown(latest, r => r["stage"]!.ToJsonString(), report["byStage"]);
        AssertBreakdown(latest, r => Text(r["classification"]), report["byClassification"]);
        AssertBreakdown(latest, r => Text(r["origination"]!["product"]), report["byProduct"]);
        AssertBreakdown(latest, r => Text(r["origination"]!["industry"]), report["byIndustry"]);
        AssertBreakdown(latest, r => Text(r["origination"]!["region"]), report["byRegion"]);

        // By hand: BK-1 turned 91 days past due (substandard, loss LGD x EAD = 45 % of 1,000,000) and BK-4 is doubtful.
        var byClassification = report["byClassification"]!.AsArray().ToDictionary(r => Text(r!["key"]), r => r!["figures"]!);
        Assert.Equal(450_000m, Number(byClassification["substandard"]["ecl"]));
        Assert.Equal(1_800_000m, Number(report["total"]!["nonPerformingOutstanding"]));

        var stageMigration = report["stageMigration"]!.AsArray().Select(c => (Text(c!["from"]), Text(c["to"]), c["loans"]!.GetValue<long>())).ToList();
        Assert.Contains(("1", "3", 1L), stageMigration);
        Assert.Contains(("2", "1", 1L), stageMigration);
        Assert.Contains(("new", "2", 1L), stageMigration);
        Assert.Contains(("3", "3", 1L), stageMigration);
        Assert.Equal(5, stageMigration.Sum(c => c.Item3));
        var classMigration = report["classificationMigration"]!.AsArray().Select(c => (Text(c!["from"]), Text(c["to"]), c["loans"]!.GetValue<long>())).ToList();
        Assert.Contains(("normal", "substandard", 1L), classMigration);
        Assert.Contains(("special-mention", "normal", 1L), classMigration);

        var earlier = (await client.GetFromJsonAsync<JsonObject>("/portfolio/risk?asOf=2026-11-30"))!;
        AssertFigures(first, earlier["total"]);
        Assert.Null(earlier["stageMigration"]);
    }

    [Fact]
    public async Task Portfolio_risk_as_a_page_has_its_charts_and_figures_and_bad_queries_name_the_field()
    {
        using var app = new CreditDecisionApplication();
        using var client = app.CreateClient();
        var reviewed = await ReviewAsync(client, Loan("BK-H", "manufacturing", "jiangsu-nanjing", "term-loan", 1_000_000m, ("daysPastDue", 91), ("overdueInstalments", 3)));

        var page = await client.GetAsync("/portfolio/risk?format=html");
        Assert.Equal("text/html", page.Content.Headers.ContentType!.MediaType);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("<svg", html, StringComparison.Ordinal);
        Assert.Contains("id=\"ecl-by-stage\"", html, StringComparison.Ordinal);
        Assert.Contains("CNY 450,000", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.Ordinal);
        Assert.Equal(450_000m, Number(reviewed[0]["ecl"]));

        foreach (var (query, field) in new[] { ("asOf=2026-13-01", "asOf"), ("asOf=2026-12-01&since=2026-12-01", "since"), ("format=pdf", "format") })
        {
            var response = await client.GetAsync($"/portfolio/risk?{query}");
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.True((await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject().ContainsKey(field), query);
        }
        Assert.Equal(HttpStatusCode.Forbidden, (await app.CreateClient().WithKey(TestKeys.Lender).GetAsync("/portfolio/risk")).StatusCode);
    }

    [Fact]
    public async Task A_stress_scenario_gives_the_figures_computed_by_hand()
    {
        using var rules = RepoPaths.CopyOfRules();
        File.WriteAllText(Path.Combine(rules.Path, "scenarios", "hand-computed.json"), """
            {
              "Label": "Hand-computed test scenario",
              "Description": "Manufacturing PDs doubled, the loan prime rate 100 basis points higher, revenue halved.",
              "PdMultipliers": { "Industry": { "manufacturing": 2 }, "Region": {} },
              "CollateralValueShock": 0,
              "RateShock": { "BasisPoints": 100, "PdMultiplier": 1 },
              "RevenueShock": -0.5,
              "ConcentrationLimits": { "Measure": "ecl", "IndustryShare": 0.5, "RegionShare": 1 }
            }
            """);
        var (app, _, host) = Start(rules.Path);
        using var ___ = app;
        using var ____ = host;
        using var client = Client(host);
        // A: revenue doubled, so halving it leaves it level; B: revenue up 4 %, halved it is down 48 %, a collapse (orange).
        await ReviewAsync(client,
            Loan("ST-A", "manufacturing", "jiangsu-nanjing", "term-loan", 1_000_000m, ("revenueChange", 1.0)),
            Loan("ST-B", "wholesale-retail", "jiangsu-suzhou", "term-loan", 1_000_000m));

        var response = await client.PostAsJsonAsync("/portfolio/stress", new { scenario = "hand-computed", asOf = "2026-11-30" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var report = (await response.Content.ReadFromJsonAsync<JsonObject>())!;

        // Base, both stage 1 at BBB: 450,000 x 0.35 % x 1.005^-12 = 1,483.50 each.
        // A stressed, stage 1: 450,000 x 0.70 % x (1 + 0.07/12)^-12 = 450,000 x 0.007 x 0.9325835 = 2,937.64.
        // B stressed: revenue collapse, BB, watch list, stage 2 over 18 months at 7 %:
        //   450,000 x (0.007 x 0.9325835 + 0.993 x 0.0078 x 6/12 x 0.9005992) = 4,507.13.
        var byIndustry = report["byIndustry"]!.AsArray().ToDictionary(r => Text(r!["key"]), r => r!);
        Assert.Equal(1_483.50m, Number(byIndustry["manufacturing"]["base"]!["ecl"]));
        Assert.Equal(2_937.64m, Number(byIndustry["manufacturing"]["stressed"]!["ecl"]));
        Assert.Equal(1_483.50m, Number(byIndustry["wholesale-retail"]["base"]!["ecl"]));
        Assert.Equal(4_507.13m, Number(byIndustry["wholesale-retail"]["stressed"]!["ecl"]));
        Assert.Equal(2_967.00m, Number(report["base"]!["ecl"]));
        Assert.Equal(7_444.77m, Number(report["stressed"]!["ecl"]));
        Assert.Equal(1_500_000m, Number(report["stressed"]!["riskWeightedAssets"]));
        Assert.Equal(2, report["loans"]!.GetValue<long>());

        var stages = report["stageMigration"]!.AsArray().Select(c => (Text(c!["from"]), Text(c["to"]), c["loans"]!.GetValue<long>())).ToList();
        Assert.Equal([("1", "1", 1L), ("1", "2", 1L)], stages);
        var classes = report["classificationMigration"]!.AsArray().Select(c => (Text(c!["from"]), Text(c["to"]), c["loans"]!.GetValue<long>())).ToList();
        Assert.Equal([("normal", "normal", 1L), ("normal", "special-mention", 1L)], classes);

        // 4,507.13 of 7,444.77 is 60.5 % of the stressed loss, over the 50 % limit; at base it was half.
        var breach = Assert.Single(report["concentrationBreaches"]!.AsArray())!;
        Assert.Equal("industry", Text(breach["dimension"]));
        Assert.Equal("wholesale-retail", Text(breach["key"]));
        Assert.Equal(0.5m, Number(breach["baseShare"]));
        Assert.Equal(Math.Round(4_507.13m / 7_444.77m, 6), Number(breach["stressedShare"]));

        var scenario = report["scenario"]!;
        Assert.Equal("hand-computed", Text(scenario["name"]));
        Assert.Equal(64, Text(scenario["version"]).Length);
    }

    [Fact]
    public async Task The_shipped_scenarios_are_listed_and_run_as_a_page_and_an_unknown_one_is_refused_naming_it()
    {
        using var app = new CreditDecisionApplication();
        using var client = app.CreateClient();
        await ReviewAsync(client, Loan("SC-1", "real-estate", "jiangsu-suzhou", "term-loan", 1_000_000m));

        var scenarios = (await client.GetFromJsonAsync<JsonArray>("/portfolio/stress/scenarios"))!;
        Assert.Equal(["export-slowdown", "property-downturn"], scenarios.Select(s => Text(s!["name"])));

        var page = await client.PostAsJsonAsync("/portfolio/stress?format=html", new { scenario = "property-downturn" });
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("Property downturn 2027", html, StringComparison.Ordinal);
        Assert.Contains("id=\"ecl-by-industry\"", html, StringComparison.Ordinal);

        var unknown = await client.PostAsJsonAsync("/portfolio/stress", new { scenario = "no-such-scenario" });
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        var errors = (await unknown.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!["scenario"]![0]!.GetValue<string>();
        Assert.Contains("property-downturn", errors, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await app.CreateClient().WithKey(TestKeys.Auditor).PostAsJsonAsync("/portfolio/stress", new { scenario = "property-downturn" })).StatusCode);
    }
}
