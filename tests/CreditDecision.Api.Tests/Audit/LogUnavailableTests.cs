using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace CreditDecision.Api.Tests;

/// <summary>
/// What the log promises when it cannot write: <c>POST /decide</c> answers 503 and no decision exists. The log's
/// writer carries on after the failed commit, so once the database is back the next decision is logged and the chain
/// holds exactly the decisions that were answered.
/// </summary>
public sealed class LogUnavailableTests
{
    [SkippableFact]
    public async Task A_decision_the_log_cannot_store_is_refused_with_503_and_the_next_one_after_the_database_returns_is_logged()
    {
        Requires.Postgres();
        using var proxy = new TcpProxy(new Npgsql.NpgsqlConnectionStringBuilder(TestStores.PostgresConnectionString));
        using var log = TestLogDatabase.Create(TestStores.Postgres, server: proxy.ConnectionString);
        using var app = new CreditDecisionApplication(RepoPaths.Rules, TestStores.Postgres, log);
        using var client = app.CreateClient();
        var first = await client.Decide(ApplicationJson.FromSample("healthy-manufacturer").With("applicationId", "LOG-DOWN-1"));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);

        proxy.Stop();
        var refused = await client.Decide(ApplicationJson.FromSample("tax-arrears").With("applicationId", "LOG-DOWN-2"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Equal("The decision log is unavailable; no decision was made.", (await refused.ReadJson()).GetProperty("title").GetString());

        proxy.Start();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        HttpResponseMessage again;
        while ((again = await client.Decide(ApplicationJson.FromSample("young-firm").With("applicationId", "LOG-DOWN-3"))).StatusCode != HttpStatusCode.OK)
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, again.StatusCode);
            Assert.True(DateTime.UtcNow < deadline, "no decision was logged after the database came back");
            await Task.Delay(100);
        }

        var verify = (await client.GetFromJsonAsync<JsonObject>("/audit/verify"))!;
        Assert.Equal("intact", verify["status"]!.GetValue<string>());
        Assert.Equal(2, verify["records"]!.GetValue<long>());
        foreach (var answered in new[] { first, again })
        {
            var decisionId = (await answered.ReadJson()).GetProperty("decisionId").GetString();
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/decisions/{decisionId}")).StatusCode);
        }
    }
}
