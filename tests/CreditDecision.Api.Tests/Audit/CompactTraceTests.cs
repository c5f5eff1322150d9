using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace CreditDecision.Api.Tests;

/// <summary>
/// An engine decision's trace is kept as fired bits and computed values against its snapshot's template, and its
/// ruleset versions once with the snapshot (ADR 0020): what the database holds is small, and what the log gives back
/// is the response as sent, byte for byte (the chain's hashes cover the full text).
/// </summary>
public sealed class CompactTraceTests
{
    public static TheoryData<string> Stores => TestStores.All;

    [SkippableTheory, MemberData(nameof(Stores))]
    public async Task A_decision_is_stored_without_its_trace_and_read_back_as_sent(string store)
    {
        Requires.Store(store);
        using var app = new CreditDecisionApplication(RepoPaths.Rules, store);
        using var client = app.CreateClient();
        var response = await client.Decide(ApplicationJson.FromSample("healthy-manufacturer"), trace: "full");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = await response.Content.ReadAsStringAsync();
        var trace = JsonNode.Parse(sent)!["trace"]!.AsArray();
        Assert.Equal(6, trace.Count);

        var compact = JsonNode.Parse((string)(await app.Log.ScalarAsync("SELECT trace_compact FROM decisions WHERE position = 1"))!)!.AsArray();
        Assert.Equal(trace.Count, compact.Count);
        var ratingFired = trace[0]!["rules"]!.AsArray().Count(rule => rule!["fired"]!.GetValue<bool>());
        Assert.Equal(ratingFired, FiredBits(compact[0]![0]!.GetValue<string>()));
        Assert.Equal("", await app.Log.ScalarAsync("SELECT ruleset_versions FROM decisions WHERE position = 1"));
        var storedResponse = StoredBytes.Inflate((byte[])(await app.Log.ScalarAsync("SELECT response_z FROM decisions WHERE position = 1"))!);
        Assert.EndsWith("\"trace\":[]}", storedResponse);
        Assert.True(storedResponse.Length < sent.Length / 3, $"{storedResponse.Length} of {sent.Length} characters stored");

        var export = await client.GetStringAsync("/decisions/export");
        var exported = JsonNode.Parse(export.Split('\n', StringSplitOptions.RemoveEmptyEntries).Single())!;
        Assert.Equal(JsonNode.Parse(sent)!.ToJsonString(), exported["response"]!.ToJsonString());
        // The record's ruleset versions (every ruleset of the snapshot, monitoring too) come back from the snapshot's row.
        var versions = exported["rulesets"]!.AsArray().Select(r => r!["version"]!.GetValue<string>()).ToHashSet();
        Assert.All(JsonNode.Parse(sent)!["rulesets"]!.AsArray(), r => Assert.Contains(r!["version"]!.GetValue<string>(), versions));
        var verify = await client.GetFromJsonAsync<JsonObject>("/audit/verify");
        Assert.Equal("intact", verify!["status"]!.GetValue<string>());
        var replay = await (await client.PostAsync($"/decisions/{JsonNode.Parse(sent)!["decisionId"]}/replay", null)).ReadJson();
        Assert.True(replay.GetProperty("identical").GetBoolean(), replay.ToString());
    }

    [SkippableTheory, MemberData(nameof(Stores))]
    public async Task A_fired_bit_changed_in_the_database_makes_verify_name_that_record(string store)
    {
        Requires.Store(store);
        using var app = new CreditDecisionApplication(RepoPaths.Rules, store);
        using var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.Decide(ApplicationJson.FromSample("healthy-manufacturer"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.Decide(ApplicationJson.FromSample("tax-arrears"))).StatusCode);

        var compact = JsonNode.Parse((string)(await app.Log.ScalarAsync("SELECT trace_compact FROM decisions WHERE position = 2"))!)!.AsArray();
        var bits = compact[1]![0]!.GetValue<string>();
        compact[1]![0] = (bits[0] == '0' ? "1" : "0") + bits[1..];
        await app.Log.ExecuteAsync("UPDATE decisions SET trace_compact = @changed WHERE position = 2",
            new Dictionary<string, object?> { ["changed"] = compact.ToJsonString() });
        var broken = await client.GetFromJsonAsync<JsonObject>("/audit/verify");
        Assert.Equal("broken", broken!["status"]!.GetValue<string>());
        Assert.Equal(2, broken["firstBroken"]!["position"]!.GetValue<long>());

        await app.Log.ExecuteAsync("UPDATE decisions SET trace_compact = @changed WHERE position = 2",
            new Dictionary<string, object?> { ["changed"] = "[[\"not hex\"]]" });
        var unreadable = await client.GetFromJsonAsync<JsonObject>("/audit/verify");
        Assert.Equal(2, unreadable!["firstBroken"]!["position"]!.GetValue<long>());
    }

    [SkippableTheory, MemberData(nameof(Stores))]
    public async Task A_snapshot_archived_without_a_template_gets_it_with_its_first_compact_decision(string store)
    {
        Requires.Store(store);
        using var log = TestLogDatabase.Create(store);
        string first;
        using (var before = new CreditDecisionApplication(RepoPaths.Rules, store, log))
        using (var client = before.CreateClient())
        {
            first = (await (await client.Decide(ApplicationJson.FromSample("healthy-manufacturer"))).ReadJson()).GetProperty("decisionId").GetString()!;
        }
        // As a log written before templates existed holds its snapshots.
        await log.ExecuteAsync("UPDATE rule_snapshots SET trace_template = NULL");

        using var after = new CreditDecisionApplication(RepoPaths.Rules, store, log);
        using var next = after.CreateClient();
        var second = (await (await next.Decide(ApplicationJson.FromSample("young-firm"))).ReadJson()).GetProperty("decisionId").GetString()!;
        Assert.Equal(0L, Convert.ToInt64(await log.ScalarAsync("SELECT COUNT(*) FROM rule_snapshots WHERE trace_template IS NULL")));
        foreach (var id in new[] { first, second })
        {
            var stored = await next.GetFromJsonAsync<JsonObject>($"/decisions/{id}");
            Assert.Equal(6, stored!["response"]!["trace"]!.AsArray().Count);
        }
        Assert.Equal("intact", (await next.GetFromJsonAsync<JsonObject>("/audit/verify"))!["status"]!.GetValue<string>());
    }

    private static int FiredBits(string hex) => Convert.FromHexString(hex).Sum(b => System.Numerics.BitOperations.PopCount(b));
}
