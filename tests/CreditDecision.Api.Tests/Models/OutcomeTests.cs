using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;

namespace CreditDecision.Api.Tests;

/// <summary>POST /outcomes through the real HTTP pipeline: one outcome or a stream, once per event, in the chain.</summary>
public sealed class OutcomeTests
{
    public static TheoryData<string> Stores => TestStores.All;

    private static readonly DateTimeOffset DecidedAt = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);

    /// <summary>An application decided on <see cref="DecidedAt"/>, with the clock then moved on a year.</summary>
    private static async Task<(CreditDecisionApplication App, HttpClient Client, string DecisionId)> DecidedLoanAsync(string store)
    {
        var clock = new FakeTimeProvider(DecidedAt);
        var app = new CreditDecisionApplication(RepoPaths.Rules, store) { Clock = clock };
        var client = app.CreateClient();
        var decision = await client.DecideOk(ApplicationJson.FromSample("healthy-manufacturer").With("applicationId", "APP-OUTCOME-1"));
        clock.Advance(TimeSpan.FromDays(365));
        return (app, client, decision.GetProperty("decisionId").GetString()!);
    }

    private static JsonObject Outcome(string decisionId, string outcomeEvent, string date) =>
        new() { ["decisionId"] = decisionId, ["event"] = outcomeEvent, ["date"] = date };

    private static async Task<JsonObject> PostAsync(HttpClient client, JsonObject outcome, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var response = await client.PostAsJsonAsync("/outcomes", outcome);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode}: {body}");
        return body;
    }

    [SkippableTheory, MemberData(nameof(Stores))]
    public async Task An_outcome_is_chained_once_per_event_whoever_sends_it_again(string store)
    {
        Requires.Store(store);
        var (app, client, decisionId) = await DecidedLoanAsync(store);
        using var _ = app;
        using var __ = client;
        client.WithKey(TestKeys.ModelRisk);

        var first = await PostAsync(client, Outcome(decisionId, "default", "2026-10-15"));
        Assert.False(first["duplicate"]!.GetValue<bool>());
        Assert.Equal(2, first["position"]!.GetValue<long>());
        Assert.Equal("APP-OUTCOME-1", first["applicationId"]!.GetValue<string>());
        Assert.Equal(TestKeys.ModelRisk.Name, first["recordedBy"]!.GetValue<string>());

        var again = await PostAsync(client, Outcome(decisionId, "default", "2026-10-15"));
        client.WithKey(TestKeys.AllRoles);
        var byApplication = await PostAsync(client, new JsonObject { ["applicationId"] = "APP-OUTCOME-1", ["event"] = "default", ["date"] = "2026-10-15" });
        foreach (var repeat in new[] { again, byApplication })
        {
            Assert.True(repeat["duplicate"]!.GetValue<bool>());
            Assert.Equal(first["outcomeId"]!.GetValue<string>(), repeat["outcomeId"]!.GetValue<string>());
            Assert.Equal(2, repeat["position"]!.GetValue<long>());
            Assert.Equal(TestKeys.ModelRisk.Name, repeat["recordedBy"]!.GetValue<string>());
        }
        var cure = await PostAsync(client, Outcome(decisionId, "cure", "2026-12-01"));
        Assert.False(cure["duplicate"]!.GetValue<bool>());
        Assert.Equal(3, cure["position"]!.GetValue<long>());

        var listed = await client.GetFromJsonAsync<JsonObject>("/decisions?kind=outcome");
        Assert.Equal(["cure", "default"], listed!["items"]!.AsArray().Select(item => item!["outcome"]!.GetValue<string>()));
        var stored = await client.GetFromJsonAsync<JsonObject>($"/decisions/{first["outcomeId"]}");
        Assert.Equal("outcome", stored!["kind"]!.GetValue<string>());
        Assert.Equal(decisionId, stored["request"]!["decisionId"]!.GetValue<string>());

        var verify = await client.GetFromJsonAsync<JsonObject>("/audit/verify");
        Assert.Equal("intact", verify!["status"]!.GetValue<string>());
        Assert.Equal(3, verify["records"]!.GetValue<long>());
    }

    [SkippableTheory, MemberData(nameof(Stores))]
    public async Task An_outcome_of_no_logged_decision_or_at_an_impossible_date_is_refused_naming_the_field(string store)
    {
        Requires.Store(store);
        var (app, client, decisionId) = await DecidedLoanAsync(store);
        using var _ = app;
        using var __ = client;

        var refusals = new (JsonObject Outcome, string Field)[]
        {
            (Outcome(Guid.NewGuid().ToString(), "default", "2026-10-15"), "decisionId"),
            (new JsonObject { ["applicationId"] = "APP-NEVER-DECIDED", ["event"] = "default", ["date"] = "2026-10-15" }, "applicationId"),
            (new JsonObject { ["event"] = "default", ["date"] = "2026-10-15" }, "decisionId"),
            (Outcome(decisionId, "default", "2026-03-01"), "date"),
            (Outcome(decisionId, "default", "2027-12-31"), "date"),
            (Outcome(decisionId, "bankrupt", "2026-10-15"), "event"),
            (new JsonObject { ["decisionId"] = decisionId, ["event"] = "default", ["date"] = "2026-10-15", ["days"] = 90 }, "days"),
        };
        foreach (var (outcome, field) in refusals)
        {
            var problem = await PostAsync(client, outcome, HttpStatusCode.BadRequest);
            Assert.True(problem["errors"]!.AsObject().ContainsKey(field), $"{outcome.ToJsonString()}: {problem}");
        }
        var verify = await client.GetFromJsonAsync<JsonObject>("/audit/verify");
        Assert.Equal(1, verify!["records"]!.GetValue<long>());
    }

    [SkippableTheory, MemberData(nameof(Stores))]
    public async Task A_stream_of_outcomes_answers_each_line_in_order_and_counts_duplicates_and_errors(string store)
    {
        Requires.Store(store);
        var (app, client, decisionId) = await DecidedLoanAsync(store);
        using var _ = app;
        using var __ = client;
        string[] lines =
        [
            Outcome(decisionId, "default", "2026-10-15").ToJsonString(),
            Outcome(decisionId, "default", "2026-10-15").ToJsonString(),
            "{ not json",
            Outcome(Guid.NewGuid().ToString(), "prepayment", "2026-10-15").ToJsonString(),
            Outcome(decisionId, "write-off", "2027-01-20").ToJsonString(),
        ];

        var response = await client.PostAsync("/outcomes", new StringContent(string.Join("\n", lines) + "\n", Encoding.UTF8, MonitoringTests.Ndjson));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answers = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonNode.Parse(line)!.AsObject()).ToList();

        Assert.Equal([1, 2, 3, 4, 5], answers[..5].Select(a => a["line"]!.GetValue<int>()));
        Assert.False(answers[0]["result"]!["duplicate"]!.GetValue<bool>());
        Assert.True(answers[1]["result"]!["duplicate"]!.GetValue<bool>());
        Assert.NotNull(answers[2]["error"]);
        Assert.True(answers[3]["error"]!["errors"]!.AsObject().ContainsKey("decisionId"));
        Assert.Equal("write-off", answers[4]["result"]!["event"]!.GetValue<string>());
        var summary = answers[5]["summary"]!;
        Assert.Equal((5, 2, 1, 2), (summary["lines"]!.GetValue<int>(), summary["recorded"]!.GetValue<int>(),
            summary["duplicates"]!.GetValue<int>(), summary["failed"]!.GetValue<int>()));

        var verify = await client.GetFromJsonAsync<JsonObject>("/audit/verify");
        Assert.Equal("intact", verify!["status"]!.GetValue<string>());
        Assert.Equal(3, verify["records"]!.GetValue<long>());
    }

    [Fact]
    public async Task Only_model_risk_staff_post_outcomes()
    {
        var (app, client, decisionId) = await DecidedLoanAsync(TestStores.Sqlite);
        using var _ = app;
        using var __ = client;
        foreach (var key in new[] { TestKeys.PolicyTeam, TestKeys.Auditor, TestKeys.Lender })
        {
            client.WithKey(key);
            var response = await client.PostAsJsonAsync("/outcomes", Outcome(decisionId, "default", "2026-10-15"));
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }
    }
}
