using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace CreditDecision.Api.Tests;

/// <summary>The decision log through the real HTTP pipeline, on every store: read back, replay, tamper evidence, idempotency.</summary>
public sealed class AuditTests
{
    private static readonly string[] Samples =
    [
        "healthy-manufacturer", "tax-arrears", "young-firm", "large-request",
        "secured-trading-company", "cold-chain-equipment-loan", "unsecured-restaurant-group", "distressed-construction",
    ];

    public static TheoryData<string> Stores => TestStores.All;

    [SkippableTheory, MemberData(nameof(Stores))]
    public async Task Every_decision_is_readable_as_sent_and_replays_identical(string store)
    {
        Requires.Store(store);
        using var app = new CreditDecisionApplication(RepoPaths.Rules, store);
        using var client = app.CreateClient();

        foreach (var sample in Samples)
        {
            var sent = await DecideAsync(client, ApplicationJson.FromSample(sample), trace: "full");
            var id = sent["decisionId"]!.GetValue<string>();

            var stored = await client.GetFromJsonAsync<JsonObject>($"/decisions/{id}");
            Assert.True(JsonNode.DeepEquals(sent, stored!["response"]), $"{sample}: the stored response differs from the one sent");
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse(RepoPaths.Sample(sample)), stored["request"]), $"{sample}: the stored request differs");
            Assert.Equal(sent["outcome"]!.GetValue<string>(), stored["outcome"]!.GetValue<string>());
            Assert.Equal(TestKeys.AllRoles.Name, stored["caller"]!.GetValue<string>());
            Assert.Equal(64, stored["recordHash"]!.GetValue<string>().Length);

            var replay = await ReplayAsync(client, id);
            Assert.True(replay["identical"]!.GetValue<bool>(), $"{sample}: {replay["differences"]}");
            Assert.Empty(replay["differences"]!.AsArray());
            Assert.Equal("recorded", replay["against"]!.GetValue<string>());
        }
        await AssertIntactAsync(client, Samples.Length);
    }

    [SkippableTheory, MemberData(nameof(Stores))]
    public async Task After_a_rule_edit_replay_is_still_identical_and_against_current_shows_the_change(string store)
    {
        Requires.Store(store);
        using var rules = RepoPaths.CopyOfRules();
        using var app = new CreditDecisionApplication(rules.Path, store);
        using var client = app.CreateClient();
        var before = await DecideAsync(client, ApplicationJson.FromSample("healthy-manufacturer"));
        Assert.Equal("approve", before["outcome"]!.GetValue<string>());
        var id = before["decisionId"]!.GetValue<string>();

        FileEdit.Replace(Path.Combine(rules.Path, "approval.json"), "\"minYearsInBusiness\": 2", "\"minYearsInBusiness\": 10");
        var reload = await client.PostAsync("/rulesets/reload", null);
        Assert.Equal(HttpStatusCode.OK, reload.StatusCode);
        // Replay must not need the archive folder or the rules folder: the log keeps its own copy of every version used.
        Directory.Delete(app.ArchiveDirectory, recursive: true);

        var recorded = await ReplayAsync(client, id);
        Assert.True(recorded["identical"]!.GetValue<bool>(), recorded["differences"]!.ToJsonString());

        var current = await ReplayAsync(client, id, "?against=current");
        Assert.False(current["identical"]!.GetValue<bool>());
        Assert.Equal("approve", current["recordedOutcome"]!.GetValue<string>());
        Assert.Equal("refer", current["replayedOutcome"]!.GetValue<string>());
        var outcome = Assert.Single(current["differences"]!.AsArray(), d => d!["path"]!.GetValue<string>() == "$.outcome")!;
        Assert.Equal("approve", outcome["before"]!.GetValue<string>());
        Assert.Equal("refer", outcome["after"]!.GetValue<string>());
        Assert.Contains(current["differences"]!.AsArray(), d => d!["path"]!.GetValue<string>() == "$.reasons[0]");

        // A decision made under the edited rules, replayed under the first decision's version set, shows the way back.
        var after = await DecideAsync(client, ApplicationJson.FromSample("healthy-manufacturer").With("applicationId", "APP-AFTER-EDIT"));
        var stored = await client.GetFromJsonAsync<JsonObject>($"/decisions/{id}");
        var back = await ReplayAsync(client, after["decisionId"]!.GetValue<string>(), $"?against={stored!["snapshotId"]}");
        Assert.Equal("refer", back["recordedOutcome"]!.GetValue<string>());
        Assert.Equal("approve", back["replayedOutcome"]!.GetValue<string>());
    }

    [SkippableTheory, MemberData(nameof(Stores))]
    public async Task Changing_an_amount_in_the_database_makes_verify_name_that_record(string store)
    {
        Requires.Store(store);
        using var app = new CreditDecisionApplication(RepoPaths.Rules, store);
        using var client = app.CreateClient();
        var ids = new List<string>();
        foreach (var sample in Samples[..4]) ids.Add((await DecideAsync(client, ApplicationJson.FromSample(sample)))["decisionId"]!.GetValue<string>());
        var head = await AssertIntactAsync(client, 4);

        // A decision's response is stored deflated: the change is made to what the database holds.
        var stored = StoredBytes.Inflate((byte[])(await app.Log.ScalarAsync("SELECT response_z FROM decisions WHERE position = 1"))!);
        Assert.Contains("\"approvedAmount\":3000000", stored);
        var changed = await app.Log.ExecuteAsync("UPDATE decisions SET response_z = @changed WHERE position = 1",
            new Dictionary<string, object?> { ["changed"] = StoredBytes.Deflate(stored.Replace("\"approvedAmount\":3000000", "\"approvedAmount\":3900000", StringComparison.Ordinal)) });
        Assert.Equal(1, changed);
        Assert.Contains("3900000", StoredBytes.Inflate((byte[])(await app.Log.ScalarAsync("SELECT response_z FROM decisions WHERE position = 1"))!));

        var verify = await VerifyAsync(client);
        Assert.Equal("broken", verify["status"]!.GetValue<string>());
        Assert.Equal(1, verify["firstBroken"]!["position"]!.GetValue<long>());
        Assert.Equal(ids[0], verify["firstBroken"]!["decisionId"]!.GetValue<string>());
        Assert.Contains("content does not match its hash", verify["firstBroken"]!["reason"]!.GetValue<string>());
        Assert.Equal(0, verify["records"]!.GetValue<long>());
        Assert.NotEqual(head, verify["headHash"]?.GetValue<string>());
    }

    [SkippableTheory, MemberData(nameof(Stores))]
    public async Task Deleting_a_record_or_the_last_one_breaks_the_chain_where_it_happened(string store)
    {
        Requires.Store(store);
        using var app = new CreditDecisionApplication(RepoPaths.Rules, store);
        using var client = app.CreateClient();
        var ids = new List<string>();
        foreach (var sample in Samples[..4]) ids.Add((await DecideAsync(client, ApplicationJson.FromSample(sample)))["decisionId"]!.GetValue<string>());

        await app.Log.ExecuteAsync("DELETE FROM decisions WHERE position = 4");
        var truncated = await VerifyAsync(client);
        Assert.Equal("broken", truncated["status"]!.GetValue<string>());
        Assert.Contains("removed", truncated["firstBroken"]!["reason"]!.GetValue<string>());

        await app.Log.ExecuteAsync("DELETE FROM decisions WHERE position = 2");
        var gap = await VerifyAsync(client);
        Assert.Equal(3, gap["firstBroken"]!["position"]!.GetValue<long>());
        Assert.Equal(ids[2], gap["firstBroken"]!["decisionId"]!.GetValue<string>());
        Assert.Contains("missing", gap["firstBroken"]!["reason"]!.GetValue<string>());
    }

    [SkippableTheory, MemberData(nameof(Stores))]
    public async Task An_idempotent_retry_returns_the_first_decision_and_writes_no_second_record(string store)
    {
        Requires.Store(store);
        using var app = new CreditDecisionApplication(RepoPaths.Rules, store);
        using var client = app.CreateClient();
        var application = ApplicationJson.FromSample("healthy-manufacturer");

        var first = await PostAsync(client, application, ("Idempotency-Key", "lender-7f3a"));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.False(first.Headers.Contains("Idempotent-Replayed"));
        var retries = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => PostAsync(client, application, ("Idempotency-Key", "lender-7f3a"))));

        var firstBody = await first.Content.ReadAsStringAsync();
        foreach (var retry in retries)
        {
            Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
            Assert.Equal("true", retry.Headers.GetValues("Idempotent-Replayed").Single());
            Assert.Equal(firstBody, await retry.Content.ReadAsStringAsync());
        }
        Assert.Equal(1L, Convert.ToInt64(await app.Log.ScalarAsync("SELECT COUNT(*) FROM decisions")));

        var other = await PostAsync(client, application.With("request.amount", 2_000_000), ("Idempotency-Key", "lender-7f3a"));
        Assert.Equal(HttpStatusCode.Conflict, other.StatusCode);
        var problem = await other.ReadJson();
        Assert.Equal("application/problem+json", other.Content.Headers.ContentType!.MediaType);
        Assert.Equal(JsonNode.Parse(firstBody)!["decisionId"]!.GetValue<string>(), problem.GetProperty("decisionId").GetString());
        Assert.Equal(1L, Convert.ToInt64(await app.Log.ScalarAsync("SELECT COUNT(*) FROM decisions")));
    }

    [SkippableTheory, MemberData(nameof(Stores))]
    public async Task Two_callers_with_the_same_key_or_request_id_each_get_and_log_their_own_decision(string store)
    {
        Requires.Store(store);
        using var app = new CreditDecisionApplication(RepoPaths.Rules, store);
        using var lender = app.CreateClient().WithKey(TestKeys.Lender);
        using var other = app.CreateClient().WithKey(TestKeys.AllRoles);
        static ApplicationJson Asking(decimal amount) => ApplicationJson.FromSample("healthy-manufacturer").With("request.amount", amount);

        foreach (var header in new[] { "Idempotency-Key", "X-Request-Id" })
        {
            var first = await PostAsync(lender, Asking(3_000_000), (header, $"shared-{header}"));
            var firstId = (await first.ReadJson()).GetProperty("decisionId").GetString()!;

            // The same key and body from another caller is that caller's own first request, not a retry of the lender's.
            var same = await PostAsync(other, Asking(3_000_000), (header, $"shared-{header}"));
            Assert.Equal(HttpStatusCode.OK, same.StatusCode);
            Assert.False(same.Headers.Contains("Idempotent-Replayed"));
            var sameBody = await same.Content.ReadAsStringAsync();
            Assert.DoesNotContain(firstId, sameBody);

            // With a body of its own it is no conflict either, and no other caller's decision id is disclosed.
            var own = await PostAsync(other, Asking(2_000_000), (header, $"own-{header}"));
            var lenderOwn = await PostAsync(lender, Asking(3_000_000), (header, $"own-{header}"));
            Assert.Equal(HttpStatusCode.OK, own.StatusCode);
            Assert.Equal(HttpStatusCode.OK, lenderOwn.StatusCode);
            Assert.False(lenderOwn.Headers.Contains("Idempotent-Replayed"));
            Assert.DoesNotContain((await own.ReadJson()).GetProperty("decisionId").GetString()!, await lenderOwn.Content.ReadAsStringAsync());

            // Each caller's retry still gets its own stored decision back, and its own conflict names its own decision.
            var retry = await PostAsync(other, Asking(3_000_000), (header, $"shared-{header}"));
            Assert.Equal("true", retry.Headers.GetValues("Idempotent-Replayed").Single());
            Assert.Equal(sameBody, await retry.Content.ReadAsStringAsync());
            var conflict = await PostAsync(other, Asking(1_000_000), (header, $"shared-{header}"));
            Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
            Assert.Equal(JsonNode.Parse(sameBody)!["decisionId"]!.GetValue<string>(), (await conflict.ReadJson()).GetProperty("decisionId").GetString());
        }

        var callers = await app.Log.QueryAsync("SELECT caller FROM decisions");
        Assert.Equal(8, callers.Count);
        Assert.Equal(4, callers.Count(row => (string)row["caller"]! == TestKeys.Lender.Name));
        Assert.Equal(4, callers.Count(row => (string)row["caller"]! == TestKeys.AllRoles.Name));
    }

    [SkippableTheory, MemberData(nameof(Stores))]
    public async Task Concurrent_first_requests_under_one_key_make_one_decision(string store)
    {
        Requires.Store(store);
        using var app = new CreditDecisionApplication(RepoPaths.Rules, store);
        using var client = app.CreateClient();
        var application = ApplicationJson.FromSample("young-firm");

        var responses = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => PostAsync(client, application, ("X-Request-Id", "req-0001"))));

        var ids = await Task.WhenAll(responses.Select(async r => (await r.ReadJson()).GetProperty("decisionId").GetString()));
        Assert.Single(ids.Distinct());
        Assert.Equal(15, responses.Count(r => r.Headers.Contains("Idempotent-Replayed")));
        Assert.Equal(1L, Convert.ToInt64(await app.Log.ScalarAsync("SELECT COUNT(*) FROM decisions")));
        var stored = await client.GetFromJsonAsync<JsonObject>($"/decisions/{ids[0]}");
        Assert.Equal("req-0001", stored!["requestId"]!.GetValue<string>());
    }

    [SkippableTheory, MemberData(nameof(Stores))]
    public async Task Two_nodes_on_one_log_write_one_intact_chain(string store)
    {
        Requires.Store(store);
        using var log = TestLogDatabase.Create(store);
        using var first = new CreditDecisionApplication(RepoPaths.Rules, store, log);
        using var second = new CreditDecisionApplication(RepoPaths.Rules, store, log);
        using var a = first.CreateClient();
        using var b = second.CreateClient();

        var made = await Task.WhenAll(Enumerable.Range(0, 120).Select(i =>
            DecideAsync(i % 2 == 0 ? a : b, ApplicationJson.FromSample(Samples[i % Samples.Length]).With("applicationId", $"APP-NODE-{i}"))));

        await AssertIntactAsync(a, 120);
        Assert.Equal(120, made.Select(d => d["decisionId"]!.GetValue<string>()).Distinct().Count());
        var page = await b.GetFromJsonAsync<JsonObject>("/decisions?applicationId=APP-NODE-7");
        Assert.Single(page!["items"]!.AsArray());
    }

    [SkippableTheory, MemberData(nameof(Stores))]
    public async Task Search_filters_and_pages_newest_first_and_export_streams_every_record(string store)
    {
        Requires.Store(store);
        using var app = new CreditDecisionApplication(RepoPaths.Rules, store);
        using var client = app.CreateClient();
        var outcomes = new List<string>();
        foreach (var sample in Samples) outcomes.Add((await DecideAsync(client, ApplicationJson.FromSample(sample)))["outcome"]!.GetValue<string>());

        var declines = await client.GetFromJsonAsync<JsonObject>("/decisions?outcome=decline");
        Assert.Equal(outcomes.Count(o => o == "decline"), declines!["items"]!.AsArray().Count);
        Assert.All(declines["items"]!.AsArray(), d => Assert.Equal("decline", d!["outcome"]!.GetValue<string>()));

        var firstPage = await client.GetFromJsonAsync<JsonObject>("/decisions?pageSize=3");
        var positions = firstPage!["items"]!.AsArray().Select(d => d!["position"]!.GetValue<long>()).ToArray();
        Assert.Equal([8L, 7L, 6L], positions);
        Assert.True(firstPage["hasMore"]!.GetValue<bool>());
        var lastPage = await client.GetFromJsonAsync<JsonObject>("/decisions?pageSize=3&page=3");
        Assert.Equal(2, lastPage!["items"]!.AsArray().Count);
        Assert.False(lastPage["hasMore"]!.GetValue<bool>());

        var future = await client.GetFromJsonAsync<JsonObject>("/decisions?from=2999-01-01");
        Assert.Empty(future!["items"]!.AsArray());
        var byEnterprise = await client.GetFromJsonAsync<JsonObject>(
            $"/decisions?enterpriseId={JsonNode.Parse(RepoPaths.Sample("tax-arrears"))!["applicant"]!["enterpriseId"]}");
        Assert.Single(byEnterprise!["items"]!.AsArray());

        var export = await client.GetAsync("/decisions/export?from=2000-01-01");
        Assert.Equal("application/x-ndjson", export.Content.Headers.ContentType!.MediaType);
        var lines = (await export.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(Samples.Length, lines.Length);
        Assert.Equal(Enumerable.Range(1, Samples.Length).Select(i => (long)i), lines.Select(l => JsonNode.Parse(l)!["position"]!.GetValue<long>()));
        Assert.All(lines, l => Assert.NotNull(JsonNode.Parse(l)!["response"]!["trace"]));
    }

    [Fact]
    public async Task Bad_queries_and_unknown_decisions_are_problems_naming_the_field()
    {
        using var app = new CreditDecisionApplication();
        using var client = app.CreateClient();

        var bad = await client.GetAsync("/decisions?outcome=maybe&pageSize=1000&from=yesterday");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var errors = (await bad.ReadJson()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("outcome", out _));
        Assert.True(errors.TryGetProperty("pageSize", out _));
        Assert.True(errors.TryGetProperty("from", out _));

        var inverted = await client.GetAsync("/decisions/export?from=2026-02-01&to=2026-01-01");
        Assert.True((await inverted.ReadJson()).GetProperty("errors").TryGetProperty("to", out _));

        var missing = await client.GetAsync($"/decisions/{Guid.NewGuid()}");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType!.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync($"/decisions/{Guid.NewGuid()}/replay", null)).StatusCode);

        var decided = await DecideAsync(client, ApplicationJson.FromSample("young-firm"));
        var unknownSet = await client.PostAsync($"/decisions/{decided["decisionId"]}/replay?against={new string('a', 64)}", null);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, unknownSet.StatusCode);

        var badKey = await PostAsync(client, ApplicationJson.FromSample("young-firm"), ("Idempotency-Key", new string('k', 201)));
        Assert.Equal(HttpStatusCode.BadRequest, badKey.StatusCode);
        Assert.True((await badKey.ReadJson()).GetProperty("errors").TryGetProperty("Idempotency-Key", out _));
    }

    [Fact]
    public async Task The_log_outlives_the_process_that_wrote_it()
    {
        using var rules = RepoPaths.CopyOfRules();
        using var log = TestLogDatabase.Create(TestStores.Sqlite);
        string id;
        using (var before = new CreditDecisionApplication(rules.Path, TestStores.Sqlite, log))
        using (var client = before.CreateClient())
        {
            id = (await DecideAsync(client, ApplicationJson.FromSample("healthy-manufacturer")))["decisionId"]!.GetValue<string>();
        }

        using var after = new CreditDecisionApplication(rules.Path, TestStores.Sqlite, log);
        using var next = after.CreateClient();
        var stored = await next.GetFromJsonAsync<JsonObject>($"/decisions/{id}");
        Assert.Equal("approve", stored!["outcome"]!.GetValue<string>());
        Assert.True((await ReplayAsync(next, id))["identical"]!.GetValue<bool>());
        await AssertIntactAsync(next, 1);
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, ApplicationJson application, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/decide") { Content = application.ToContent() };
        foreach (var (name, value) in headers) request.Headers.Add(name, value);
        return await client.SendAsync(request);
    }

    private static async Task<JsonObject> DecideAsync(HttpClient client, ApplicationJson application, string? trace = null)
    {
        var response = await client.Decide(application, trace);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }

    private static async Task<JsonObject> ReplayAsync(HttpClient client, string decisionId, string query = "")
    {
        var response = await client.PostAsync($"/decisions/{decisionId}/replay{query}", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }

    private static async Task<JsonObject> VerifyAsync(HttpClient client) =>
        (await client.GetFromJsonAsync<JsonObject>("/audit/verify"))!;

    private static async Task<string> AssertIntactAsync(HttpClient client, long records)
    {
        var verify = await VerifyAsync(client);
        Assert.Equal("intact", verify["status"]!.GetValue<string>());
        Assert.Equal(records, verify["records"]!.GetValue<long>());
        return verify["headHash"]!.GetValue<string>();
    }
}
