using System.Net.Http.Json;
using System.Net;
using System.Text.Json.Nodes;
using CreditDecision.Audit.Log;

namespace CreditDecision.Api.Tests;

/// <summary>
/// The chain proves the log complete: a record put into the table behind the service's back, however well it is
/// hashed, is named by verify and never served; the activation number is inside the hash.
/// </summary>
public sealed class LogCompletenessTests
{
    public static TheoryData<string> Stores => TestStores.All;

    [SkippableTheory, MemberData(nameof(Stores))]
    public async Task A_record_inserted_past_the_head_breaks_verify_and_is_never_served(string store)
    {
        Requires.Store(store);
        using var app = new CreditDecisionApplication(RepoPaths.Rules, store);
        using var client = app.CreateClient();
        foreach (var sample in new[] { "healthy-manufacturer", "tax-arrears" })
        {
            Assert.Equal(HttpStatusCode.OK, (await client.Decide(ApplicationJson.FromSample(sample))).StatusCode);
        }

        var forged = await AppendBehindTheHeadAsync(app.Log, "APP-FORGED");

        var verify = (await client.GetFromJsonAsync<JsonObject>("/audit/verify"))!;
        Assert.Equal("broken", verify["status"]!.GetValue<string>());
        Assert.Equal(3, verify["firstBroken"]!["position"]!.GetValue<long>());
        Assert.Equal(forged.ToString(), verify["firstBroken"]!["decisionId"]!.GetValue<string>());
        Assert.Contains("beyond the log's head", verify["firstBroken"]!["reason"]!.GetValue<string>());

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/decisions/{forged}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync($"/decisions/{forged}/replay", null)).StatusCode);
        Assert.Empty((await client.GetFromJsonAsync<JsonObject>("/decisions?applicationId=APP-FORGED"))!["items"]!.AsArray());
        Assert.Equal([2L, 1L], (await client.GetFromJsonAsync<JsonObject>("/decisions"))!["items"]!.AsArray().Select(d => d!["position"]!.GetValue<long>()));
        var export = (await client.GetStringAsync("/decisions/export")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, export.Length);
        Assert.DoesNotContain(forged.ToString(), string.Join("\n", export));
    }

    [SkippableTheory, MemberData(nameof(Stores))]
    public async Task A_record_far_past_the_head_makes_the_count_differ_and_is_named(string store)
    {
        Requires.Store(store);
        using var app = new CreditDecisionApplication(RepoPaths.Rules, store);
        using var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.Decide(ApplicationJson.FromSample("young-firm"))).StatusCode);

        var forged = await AppendBehindTheHeadAsync(app.Log, "APP-FAR", position: 1_000);

        var verify = (await client.GetFromJsonAsync<JsonObject>("/audit/verify"))!;
        Assert.Equal("broken", verify["status"]!.GetValue<string>());
        Assert.Equal(1_000, verify["firstBroken"]!["position"]!.GetValue<long>());
        Assert.Equal(forged.ToString(), verify["firstBroken"]!["decisionId"]!.GetValue<string>());
        Assert.Contains("beyond the log's head (position 1)", verify["firstBroken"]!["reason"]!.GetValue<string>());
        Assert.Equal(1, verify["records"]!.GetValue<long>());
    }

    [SkippableTheory, MemberData(nameof(Stores))]
    public async Task Changing_the_activation_of_a_record_breaks_its_hash(string store)
    {
        Requires.Store(store);
        using var app = new CreditDecisionApplication(RepoPaths.Rules, store);
        using var client = app.CreateClient();
        var ids = new List<string>();
        foreach (var sample in new[] { "healthy-manufacturer", "tax-arrears" })
        {
            ids.Add((await (await client.Decide(ApplicationJson.FromSample(sample))).ReadJson()).GetProperty("decisionId").GetString()!);
        }
        Assert.Equal("intact", (await client.GetFromJsonAsync<JsonObject>("/audit/verify"))!["status"]!.GetValue<string>());

        Assert.Equal(1, await app.Log.ExecuteAsync("UPDATE decisions SET activation = 99 WHERE position = 2"));

        var verify = (await client.GetFromJsonAsync<JsonObject>("/audit/verify"))!;
        Assert.Equal("broken", verify["status"]!.GetValue<string>());
        Assert.Equal(2, verify["firstBroken"]!["position"]!.GetValue<long>());
        Assert.Equal(ids[1], verify["firstBroken"]!["decisionId"]!.GetValue<string>());
        Assert.Contains("does not match its hash", verify["firstBroken"]!["reason"]!.GetValue<string>());
    }

    /// <summary>
    /// Writes a record straight into the table after the last one, linked and hashed exactly as the service would
    /// (anyone can compute SHA-256), but without moving the log's head row.
    /// </summary>
    private static async Task<Guid> AppendBehindTheHeadAsync(TestLogDatabase log, string applicationId, long? position = null)
    {
        var last = (await log.QueryAsync("SELECT * FROM decisions ORDER BY position DESC LIMIT 1")).Single();
        var record = new LogRecord
        {
            Kind = (string)last["kind"]!,
            RecordId = Guid.CreateVersion7(),
            Subject = applicationId,
            EnterpriseId = (string)last["enterprise_id"]!,
            Outcome = (string)last["outcome"]!,
            RecordedAt = DateTimeOffset.FromUnixTimeMilliseconds(Convert.ToInt64(last["decided_at_ms"])),
            Caller = (string)last["caller"]!,
            RequestId = "forged",
            RequestHash = (string)last["request_hash"]!,
            RequestJson = (string)last["request_json"]!,
            ResponseJson = (string)last["response_json"]!,
            SnapshotId = (string)last["snapshot_id"]!,
            RulesetVersions = (string)last["ruleset_versions"]!,
            EngineVersion = (string)last["engine_version"]!,
            ServiceVersion = (string)last["service_version"]!,
            ClusterActivation = last["activation"] is { } activation ? Convert.ToInt64(activation) : null,
        };
        var previous = new ChainHead((position ?? Convert.ToInt64(last["position"]) + 1) - 1, (string)last["record_hash"]!);
        var linked = DecisionChain.Link(record, previous);
        await log.ExecuteAsync(
            "INSERT INTO decisions (position, decision_id, application_id, enterprise_id, outcome, decided_at_ms, caller, request_id, " +
            "request_hash, request_json, response_json, snapshot_id, ruleset_versions, engine_version, service_version, previous_hash, record_hash, kind, activation) " +
            "VALUES (@position, @id, @application, @enterprise, @outcome, @at, @caller, @request, @hash, @requestJson, @response, @snapshot, @versions, " +
            "@engine, @service, @previous, @record, @kind, @activation)",
            new Dictionary<string, object?>
            {
                ["position"] = linked.Position, ["id"] = linked.RecordId.ToString("D"), ["application"] = linked.Subject,
                ["enterprise"] = linked.EnterpriseId, ["outcome"] = linked.Outcome, ["at"] = linked.RecordedAt.ToUnixTimeMilliseconds(),
                ["caller"] = linked.Caller, ["request"] = linked.RequestId, ["hash"] = linked.RequestHash, ["requestJson"] = linked.RequestJson,
                ["response"] = linked.ResponseJson, ["snapshot"] = linked.SnapshotId, ["versions"] = linked.RulesetVersions,
                ["engine"] = linked.EngineVersion, ["service"] = linked.ServiceVersion, ["previous"] = linked.PreviousHash,
                ["record"] = linked.RecordHash, ["kind"] = linked.Kind, ["activation"] = linked.ClusterActivation,
            });
        return linked.RecordId;
    }
}
