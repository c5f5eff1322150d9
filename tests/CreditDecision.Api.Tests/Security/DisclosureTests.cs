using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;

namespace CreditDecision.Api.Tests;

/// <summary>
/// What the service tells whom: health details and metrics only to keys that may see them, and rule files named
/// relative to their folder, never by the server's paths.
/// </summary>
public sealed class DisclosureTests : IDisposable
{
    private readonly TempDirectory _rules = RepoPaths.CopyOfRules();
    private readonly TempDirectory _challenger = OwnerScoreHistory.ChallengerFolder();

    public void Dispose()
    {
        _challenger.Dispose();
        _rules.Dispose();
    }

    private const string BrokenExpression = "applicant.taxArears > 0";

    private void BreakApprovalRules(string folder) =>
        FileEdit.Replace(Path.Combine(folder, "approval.json"), "applicant.taxArrears > taxArrearsTolerance", BrokenExpression);

    [Theory]
    [InlineData("/health")]
    [InlineData("/health/ready")]
    public async Task Health_tells_everyone_the_status_and_only_staff_keys_the_details(string path)
    {
        using var app = new CreditDecisionApplication(_rules.Path);
        using var client = app.CreateClient();
        BreakApprovalRules(_rules.Path);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await client.PostAsync("/rulesets/reload", null)).StatusCode);

        foreach (var key in new[] { null, TestKeys.Lender })
        {
            var answer = await client.WithKey(key).GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            var text = await answer.Content.ReadAsStringAsync();
            Assert.DoesNotContain(_rules.Path, text);
            Assert.DoesNotContain(BrokenExpression, text);
            Assert.DoesNotContain("approval.json", text);
            var health = JsonDocument.Parse(text).RootElement;
            Assert.Equal("degraded", health.GetProperty("status").GetString());
            var rules = health.GetProperty("checks").GetProperty("rules");
            Assert.Equal("degraded", rules.GetProperty("status").GetString());
            Assert.False(rules.TryGetProperty("data", out _));
            Assert.False(rules.TryGetProperty("description", out _));
        }

        foreach (var staff in new[] { TestKeys.Operations, TestKeys.PolicyTeam, TestKeys.Auditor })
        {
            var details = await (await client.WithKey(staff).GetAsync(path)).ReadJson();
            var errors = details.GetProperty("checks").GetProperty("rules").GetProperty("data").GetProperty("errors");
            var error = Assert.Single(errors.EnumerateArray()).GetString()!;
            Assert.StartsWith("approval.json: ", error);
            Assert.Contains(BrokenExpression, error);
        }
    }

    [Fact]
    public async Task Metrics_need_an_operator_key_by_default()
    {
        using var app = new CreditDecisionApplication(_rules.Path);
        using var client = app.CreateClient();

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.WithKey(null).GetAsync("/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.WithKey(TestKeys.Lender).GetAsync("/metrics")).StatusCode);
        var scrape = await client.WithKey(TestKeys.Operations).GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, scrape.StatusCode);
        Assert.Contains("creditdecision_rules_active", await scrape.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Metrics_can_be_served_on_a_port_of_their_own_and_nowhere_else()
    {
        var (apiPort, metricsPort) = (FreePort(), FreePort());
        using var app = new CreditDecisionApplication(_rules.Path)
        {
            Settings = new Dictionary<string, string>
            {
                ["Metrics:Port"] = $"{metricsPort}",
                ["Metrics:RequireKey"] = "false",
                ["urls"] = $"http://127.0.0.1:{apiPort};http://127.0.0.1:{metricsPort}",
            },
        };
        app.UseKestrel();
        app.StartServer();
        using var metrics = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{metricsPort}") };
        using var api = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{apiPort}") };

        Assert.Equal(HttpStatusCode.OK, (await metrics.GetAsync("/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.WithKey(TestKeys.Operations).GetAsync("/metrics")).StatusCode);
        // The port is the connection's own, not one a Host header could claim.
        using var claimed = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        claimed.Headers.Host = $"127.0.0.1:{metricsPort}";
        Assert.Equal(HttpStatusCode.NotFound, (await api.SendAsync(claimed)).StatusCode);
    }

    [Fact]
    public async Task Refused_rule_files_are_named_relative_to_their_folder()
    {
        using var app = new CreditDecisionApplication(_rules.Path) { ChallengerDirectory = _challenger.Path };
        using var client = app.CreateClient();
        BreakApprovalRules(_rules.Path);
        BreakApprovalRules(_challenger.Path);

        var reload = await client.PostAsync("/rulesets/reload", null);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, reload.StatusCode);
        await AssertNamedRelativelyAsync(reload, _rules.Path);
        await AssertNamedRelativelyAsync(await client.GetAsync("/rulesets/status"), _rules.Path);

        var files = OwnerScoreHistory.Files(_rules.Path);
        var backtest = await client.PostAsJsonAsync("/backtests", new { files });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, backtest.StatusCode);
        await AssertNamedRelativelyAsync(backtest, Path.GetTempPath());

        await WaitUntilAsync(async () => (await client.GetFromJsonAsync<JsonElement>("/challenger")).GetProperty("status").GetProperty("valid").GetBoolean() == false);
        var challenger = await client.GetAsync("/challenger");
        var state = await challenger.ReadJson();
        Assert.Equal(Path.GetRelativePath(_rules.Path, _challenger.Path), state.GetProperty("directory").GetString());
        Assert.Equal("approval.json", state.GetProperty("status").GetProperty("errors")[0].GetProperty("file").GetString());
        Assert.DoesNotContain(_challenger.Path, await challenger.Content.ReadAsStringAsync());
    }

    private static async Task AssertNamedRelativelyAsync(HttpResponseMessage response, string serverPath)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain(Path.TrimEndingDirectorySeparator(serverPath), text);
        var errors = JsonDocument.Parse(text).RootElement.GetProperty("errors");
        Assert.NotEmpty(errors.EnumerateArray());
        Assert.All(errors.EnumerateArray(), error => Assert.Equal("approval.json", error.GetProperty("file").GetString()));
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            if (await condition()) return;
            await Task.Delay(100);
        }
        Assert.Fail("the condition never held within 10 s");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
