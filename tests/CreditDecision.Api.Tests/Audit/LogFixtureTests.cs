using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace CreditDecision.Api.Tests;

/// <summary>
/// Logs written by earlier releases stay readable, verifiable and reproducible: today's service opens a copy of each
/// fixture in tests/fixtures/logs, and every decision and review in it replays identical under its own recorded rules.
/// </summary>
public sealed class LogFixtureTests
{
    private static string Fixture(string name) => Path.Combine(RepoPaths.Root, "tests", "fixtures", "logs", name);

    [Theory]
    [InlineData("release-2026-12-07.sqlite", 18)]
    public async Task Every_record_of_an_earlier_release_verifies_and_replays_identical(string fixture, int records)
    {
        using var log = TestLogDatabase.CopyOfSqlite(Fixture(fixture));
        using var app = new CreditDecisionApplication(RepoPaths.Rules, log: log);
        using var client = app.CreateClient();

        var verify = await client.GetFromJsonAsync<JsonObject>("/audit/verify");
        Assert.Equal("intact", verify!["status"]!.GetValue<string>());
        Assert.Equal(records, verify["records"]!.GetValue<long>());

        var exported = (await client.GetStringAsync("/decisions/export"))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonNode.Parse(line)!.AsObject())
            .ToList();
        Assert.Equal(records, exported.Count);

        var replayed = 0;
        foreach (var record in exported)
        {
            var id = record["decisionId"]!.GetValue<string>();
            using var replay = await client.PostAsync($"/decisions/{id}/replay", null);
            if (record["kind"]!.GetValue<string>() == "promotion")
            {
                Assert.Equal(HttpStatusCode.UnprocessableEntity, replay.StatusCode);
                continue;
            }
            Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
            var result = await replay.Content.ReadFromJsonAsync<JsonObject>();
            Assert.True(result!["identical"]!.GetValue<bool>(), $"{record["kind"]} {id}: {result["differences"]}");
            replayed++;
        }
        Assert.Equal(records - 1, replayed);
    }

    /// <summary>
    /// An application stored before guarantors and the 2027 inputs existed is read in today's shape (its guarantee as
    /// one guarantor of unknown type, which no rule recognises; the new inputs at their neutral values), so an auditor
    /// can still ask what today's rules would decide. The current rules have an authority stage the recorded ones lack.
    /// </summary>
    [Theory]
    [InlineData("release-2026-12-07.sqlite")]
    public async Task Every_decision_of_an_earlier_release_can_be_decided_again_under_todays_rules(string fixture)
    {
        using var log = TestLogDatabase.CopyOfSqlite(Fixture(fixture));
        using var app = new CreditDecisionApplication(RepoPaths.Rules, log: log);
        using var client = app.CreateClient();

        var decisions = (await client.GetStringAsync("/decisions/export"))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonNode.Parse(line)!.AsObject())
            .Where(record => record["kind"]!.GetValue<string>() == "decision")
            .ToList();
        Assert.NotEmpty(decisions);
        Assert.Contains(decisions, record => record["request"]!.ToJsonString().Contains("\"hasGuarantor\":true", StringComparison.Ordinal));

        foreach (var record in decisions)
        {
            var id = record["decisionId"]!.GetValue<string>();
            using var replay = await client.PostAsync($"/decisions/{id}/replay?against=current", null);
            Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
            var result = await replay.Content.ReadFromJsonAsync<JsonObject>();
            Assert.Contains(result!["differences"]!.AsArray(), d => d!["path"]!.GetValue<string>() == "$.authorityLevel");
        }
    }
}
