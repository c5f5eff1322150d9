using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;

namespace CreditDecision.Api.Tests;

/// <summary>
/// A review linked to its origination decision that crosses the rating ruleset's default definition (more than
/// defaultDaysPastDue, 90, days past due) records the decision's default outcome: once per default episode.
/// </summary>
public sealed class ReviewDefaultTests
{
    public static TheoryData<string> Stores => TestStores.All;

    private static readonly DateTimeOffset DecidedAt = new(2026, 11, 20, 9, 0, 0, TimeSpan.Zero);

    /// <summary>The sample application decided on <see cref="DecidedAt"/>, with the clock then moved on past its twelve-month horizon.</summary>
    private static async Task<(CreditDecisionApplication App, HttpClient Client, string DecisionId)> DecidedLoanAsync(
        string store, bool recordDefaults = true, string? rulesDirectory = null)
    {
        var clock = new FakeTimeProvider(DecidedAt);
        var app = new CreditDecisionApplication(rulesDirectory ?? RepoPaths.Rules, store)
        {
            Clock = clock,
            Settings = new Dictionary<string, string> { ["Outcomes:RecordDefaultsFromReviews"] = recordDefaults ? "true" : "false" },
        };
        var client = app.CreateClient();
        var decision = await client.DecideOk(ApplicationJson.FromSample("healthy-manufacturer"));
        clock.Advance(TimeSpan.FromDays(400));
        return (app, client, decision.GetProperty("decisionId").GetString()!);
    }

    /// <summary>The sample's loan reviewed on <paramref name="date"/> at <paramref name="daysPastDue"/>, linked to its decision unless null.</summary>
    private static JsonObject Review(string? decisionId, string date, int daysPastDue)
    {
        var loan = MonitoringTests.HealthyLoan("LN-HUARUI-DEFAULT");
        loan["enterpriseId"] = "91320115MA1W8K2P3X";
        loan["outstandingAmount"] = 2_500_000;
        loan["undrawnAmount"] = 0;
        loan["evaluationDate"] = date;
        loan["daysPastDue"] = daysPastDue;
        loan["overdueInstalments"] = daysPastDue / 30;
        if (decisionId is not null) loan["decisionId"] = decisionId;
        return loan;
    }

    /// <summary>Reviews one loan as a JSON array and returns its line.</summary>
    private static async Task<JsonObject> ReviewAsync(HttpClient client, JsonObject loan)
    {
        var response = await client.PostAsJsonAsync("/monitor", new JsonArray(loan));
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToJsonString());
        Assert.Empty(body["errors"]!.AsArray());
        return Assert.Single(body["results"]!.AsArray())!.AsObject();
    }

    /// <summary>Reviews one loan as an NDJSON stream and returns its line.</summary>
    private static async Task<JsonObject> StreamAsync(HttpClient client, JsonObject loan)
    {
        var response = await client.PostAsync("/monitor", new StringContent(loan.ToJsonString() + "\n", Encoding.UTF8, MonitoringTests.Ndjson));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        var line = JsonNode.Parse(lines[0])!.AsObject();
        Assert.True(line["result"] is not null, line.ToJsonString());
        return line;
    }

    private static async Task<List<JsonObject>> OutcomesAsync(HttpClient client) =>
        [.. (await client.GetFromJsonAsync<JsonObject>("/decisions?kind=outcome"))!["items"]!.AsArray().Select(item => item!.AsObject())];

    private static async Task AssertChainIntactAsync(HttpClient client, long records)
    {
        var verify = (await client.GetFromJsonAsync<JsonObject>("/audit/verify"))!;
        Assert.Equal("intact", verify["status"]!.GetValue<string>());
        Assert.Equal(records, verify["records"]!.GetValue<long>());
    }

    [SkippableTheory, MemberData(nameof(Stores))]
    public async Task A_linked_review_95_days_past_due_records_one_default_and_a_review_a_month_later_none(string store)
    {
        Requires.Store(store);
        var (app, client, decisionId) = await DecidedLoanAsync(store);
        using var _ = app;
        using var __ = client;

        var first = await ReviewAsync(client, Review(decisionId, "2027-02-15", 95));
        var outcomeId = first["defaultRecorded"]!.GetValue<string>();
        var later = await StreamAsync(client, Review(decisionId, "2027-03-15", 125));
        Assert.Null(later["defaultRecorded"]);

        var outcome = Assert.Single(await OutcomesAsync(client));
        Assert.Equal(outcomeId, outcome["decisionId"]!.GetValue<string>());
        Assert.Equal("default", outcome["outcome"]!.GetValue<string>());
        var stored = (await client.GetFromJsonAsync<JsonObject>($"/decisions/{outcomeId}"))!;
        Assert.Equal(decisionId, stored["request"]!["decisionId"]!.GetValue<string>());
        Assert.Equal("2027-02-15", stored["request"]!["date"]!.GetValue<string>());
        Assert.Equal(TestKeys.AllRoles.Name, stored["caller"]!.GetValue<string>());
        // The decision, two reviews and one default.
        await AssertChainIntactAsync(client, 4);

        var report = (await client.GetFromJsonAsync<JsonObject>("/models/sme-rating/performance?horizonMonths=12"))!;
        Assert.Equal(1, report["defaults"]!.GetValue<long>());
    }

    [SkippableTheory, MemberData(nameof(Stores))]
    public async Task After_a_cure_a_review_crossing_the_definition_again_records_a_new_default(string store)
    {
        Requires.Store(store);
        var (app, client, decisionId) = await DecidedLoanAsync(store);
        using var _ = app;
        using var __ = client;

        var first = await StreamAsync(client, Review(decisionId, "2027-02-15", 95));
        var cure = await client.PostAsJsonAsync("/outcomes", new JsonObject { ["decisionId"] = decisionId, ["event"] = "cure", ["date"] = "2027-05-01" });
        Assert.Equal(HttpStatusCode.OK, cure.StatusCode);
        var again = await ReviewAsync(client, Review(decisionId, "2027-07-15", 95));

        var firstDefault = first["defaultRecorded"]!.GetValue<string>();
        var secondDefault = again["defaultRecorded"]!.GetValue<string>();
        Assert.NotEqual(firstDefault, secondDefault);
        Assert.Equal(["default", "cure", "default"], (await OutcomesAsync(client)).Select(o => o["outcome"]!.GetValue<string>()).Reverse());
        await AssertChainIntactAsync(client, 6);
    }

    [SkippableTheory, MemberData(nameof(Stores))]
    public async Task An_unlinked_review_or_one_with_the_switch_off_records_no_default(string store)
    {
        Requires.Store(store);
        var (app, client, decisionId) = await DecidedLoanAsync(store);
        using (app)
        using (client)
        {
            var unlinked = await ReviewAsync(client, Review(decisionId: null, "2027-02-15", 95));
            Assert.Equal("D", unlinked["result"]!["suggestedGrade"]!.GetValue<string>());
            Assert.Null(unlinked["defaultRecorded"]);
            Assert.Empty(await OutcomesAsync(client));
            await AssertChainIntactAsync(client, 2);
        }

        var (offApp, offClient, offDecisionId) = await DecidedLoanAsync(store, recordDefaults: false);
        using (offApp)
        using (offClient)
        {
            var linked = await ReviewAsync(offClient, Review(offDecisionId, "2027-02-15", 95));
            Assert.Equal(offDecisionId, linked["result"]!["origination"]!["decisionId"]!.GetValue<string>());
            Assert.Null(linked["defaultRecorded"]);
            var streamed = await StreamAsync(offClient, Review(offDecisionId, "2027-03-15", 125));
            Assert.Null(streamed["defaultRecorded"]);
            Assert.Empty(await OutcomesAsync(offClient));
            await AssertChainIntactAsync(offClient, 3);
        }
    }

    [SkippableTheory, MemberData(nameof(Stores))]
    public async Task The_days_past_due_that_make_a_default_are_the_rating_rulesets_parameter(string store)
    {
        Requires.Store(store);
        using var rules = RepoPaths.CopyOfRules();
        var rating = Path.Combine(rules.Path, "rating.json");
        File.WriteAllText(rating, File.ReadAllText(rating).Replace("\"defaultDaysPastDue\": 90", "\"defaultDaysPastDue\": 60", StringComparison.Ordinal));
        File.Delete(Path.Combine(rules.Path, "rating.cases.json"));
        var (app, client, decisionId) = await DecidedLoanAsync(store, rulesDirectory: rules.Path);
        using var _ = app;
        using var __ = client;

        Assert.Null((await ReviewAsync(client, Review(decisionId, "2027-01-15", 60)))["defaultRecorded"]);
        var crossed = await ReviewAsync(client, Review(decisionId, "2027-02-15", 61));

        var outcome = Assert.Single(await OutcomesAsync(client));
        Assert.Equal(crossed["defaultRecorded"]!.GetValue<string>(), outcome["decisionId"]!.GetValue<string>());
    }
}
