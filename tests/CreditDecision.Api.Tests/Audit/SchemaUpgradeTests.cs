using System.Net.Http.Json;
using System.Net;
using System.Text.Json.Nodes;
using CreditDecision.Audit.Log.Sql;

namespace CreditDecision.Api.Tests;

/// <summary>
/// A decision log written by the service before schema version 6 (idempotency keys unique across callers, records
/// hashed without their activation number), opened by this service: it is migrated, still verifies, replays and
/// answers retries, and new records chain on after the old ones.
/// </summary>
public sealed class SchemaUpgradeTests
{
    private const int PreviousSchema = 5;

    public static TheoryData<string> Stores => TestStores.All;

    [SkippableTheory, MemberData(nameof(Stores))]
    public async Task A_log_written_in_the_previous_schema_keeps_verifying_replaying_and_answering_retries(string store)
    {
        Requires.Store(store);
        using var log = TestLogDatabase.Create(store);
        var fixture = await WriteLogOfThePreviousSchemaAsync(log);
        var written = fixture["decisions"]!.AsArray();
        using var app = new CreditDecisionApplication(RepoPaths.Rules, store, log);
        using var client = app.CreateClient();

        var verify = (await client.GetFromJsonAsync<JsonObject>("/audit/verify"))!;
        Assert.Equal("intact", verify["status"]!.GetValue<string>());
        Assert.Equal(written.Count, verify["records"]!.GetValue<long>());
        Assert.Equal(fixture["chain_head"]![0]!["record_hash"]!.GetValue<string>(), verify["headHash"]!.GetValue<string>());
        Assert.Equal(10L, Convert.ToInt64(await log.ScalarAsync("SELECT MAX(version) FROM schema_migrations")));
        // Records without a key have no entry in the keys' index (migration 10); the retries below still find theirs through it.
        var keysIndex = Convert.ToString(await log.ScalarAsync(log.Provider == TestStores.Sqlite
            ? "SELECT sql FROM sqlite_master WHERE name = 'decisions_caller_idempotency_key'"
            : "SELECT indexdef FROM pg_indexes WHERE indexname = 'decisions_caller_idempotency_key'"));
        Assert.Matches(@"WHERE \(?idempotency_key IS NOT NULL\)?$", keysIndex);
        foreach (var record in written)
        {
            var id = record!["decision_id"]!.GetValue<string>();
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/decisions/{id}")).StatusCode);
            var replay = (await (await client.PostAsync($"/decisions/{id}/replay", null)).ReadJson());
            Assert.True(replay.GetProperty("identical").GetBoolean(), $"{id}: {replay}");
        }

        // The old records' keys now belong to their caller. Its requests were in the contract of their day, so the same key
        // with today's body is that caller's conflict, naming its own decision; another caller's same key is its own.
        var keyed = written.Single(r => r!["idempotency_key"]?.GetValue<string>() == "schema5-key-1")!;
        Assert.Equal(TestKeys.AllRoles.Name, keyed["caller"]!.GetValue<string>());
        var application = ApplicationJson.FromSample("healthy-manufacturer").With("applicationId", "APP-SCHEMA5-1");
        var retry = await PostAsync(client, application, ("Idempotency-Key", "schema5-key-1"));
        Assert.Equal(HttpStatusCode.Conflict, retry.StatusCode);
        Assert.Equal(keyed["decision_id"]!.GetValue<string>(), (await retry.ReadJson()).GetProperty("decisionId").GetString());
        using var lender = app.CreateClient().WithKey(TestKeys.Lender);
        var lenders = await PostAsync(lender, application, ("Idempotency-Key", "schema5-key-1"));
        Assert.Equal(HttpStatusCode.OK, lenders.StatusCode);
        Assert.False(lenders.Headers.Contains("Idempotent-Replayed"));
        var requested = written.Single(r => r!["request_id"]?.GetValue<string>() == "schema5-request-2")!;
        var again = await PostAsync(client, ApplicationJson.FromSample("tax-arrears").With("applicationId", "APP-SCHEMA5-2"), ("X-Request-Id", "schema5-request-2"));
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal(requested["decision_id"]!.GetValue<string>(), (await again.ReadJson()).GetProperty("decisionId").GetString());

        var after = (await client.GetFromJsonAsync<JsonObject>("/audit/verify"))!;
        Assert.Equal("intact", after["status"]!.GetValue<string>());
        Assert.Equal(written.Count + 1, after["records"]!.GetValue<long>());
    }

    /// <summary>
    /// The schema as this service's migrations 1 to 5 create it, holding the rows of a log written by the service at
    /// that schema (Fixtures/schema5-log.json: three decisions, one with an Idempotency-Key and one with an
    /// X-Request-Id, and a loan review, on PostgreSQL with activation numbers), with their rulesets and portfolio.
    /// </summary>
    private static async Task<JsonObject> WriteLogOfThePreviousSchemaAsync(TestLogDatabase log)
    {
        await using (SqlDecisionLog schema = log.Provider == TestStores.Sqlite
            ? new SqliteDecisionLog(log.ConnectionString)
            : new PostgresDecisionLog(log.ConnectionString))
        {
            await schema.MigrateAsync(PreviousSchema, CancellationToken.None);
        }
        var fixture = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "tests", "CreditDecision.Api.Tests", "Fixtures", "schema5-log.json")))!.AsObject();
        var head = fixture["chain_head"]![0]!;
        await log.ExecuteAsync("UPDATE chain_head SET position = @position, record_hash = @hash WHERE id = 1",
            new Dictionary<string, object?> { ["position"] = head["position"]!.GetValue<long>(), ["hash"] = head["record_hash"]!.GetValue<string>() });
        foreach (var table in new[] { "decisions", "rulesets", "rule_snapshots", "portfolios" })
        {
            foreach (var row in fixture[table]!.AsArray().Select(r => r!.AsObject()))
            {
                var columns = row.Select(column => column.Key).ToList();
                await log.ExecuteAsync(
                    $"INSERT INTO {table} ({string.Join(", ", columns)}) VALUES ({string.Join(", ", columns.Select(c => "@" + c))})",
                    row.ToDictionary(column => column.Key, column => Value(column.Value)));
            }
        }
        return fixture;
    }

    private static object? Value(JsonNode? node) => node?.GetValueKind() switch
    {
        null or System.Text.Json.JsonValueKind.Null => null,
        System.Text.Json.JsonValueKind.Number => node.GetValue<long>(),
        _ when node.GetValue<string>() is var text && text.StartsWith("base64:", StringComparison.Ordinal) => Convert.FromBase64String(text["base64:".Length..]),
        _ => node.GetValue<string>(),
    };

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, ApplicationJson application, (string Name, string Value) header)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/decide") { Content = application.ToContent() };
        request.Headers.Add(header.Name, header.Value);
        return await client.SendAsync(request);
    }
}
