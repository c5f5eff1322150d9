using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;

namespace CreditDecision.Api.Tests;

/// <summary>
/// Rates per client address for API keys and console sign-ins, and the number of whole-log scans at once. The
/// service runs as behind a proxy (forwarded headers on), so each test speaks from the addresses it chooses.
/// </summary>
public sealed class RateLimitTests
{
    private const string ClientA = "203.0.113.7";
    private const string ClientB = "203.0.113.8";

    private static CreditDecisionApplication Application(params (string Key, string Value)[] settings) => new()
    {
        Settings = settings.Append((Key: "ForwardedHeaders_Enabled", Value: "true")).ToDictionary(s => s.Key, s => s.Value),
    };

    [Fact]
    public async Task Sign_in_attempts_are_limited_per_client_address()
    {
        using var app = Application(("RateLimiting:SignInsPerMinute", "3"));
        using var client = app.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost") }).WithKey(null);

        for (var attempt = 1; attempt <= 3; attempt++)
        {
            var refused = await SignInAsync(client, ClientA, "not-a-configured-key-0000");
            Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
            Assert.Contains("not a configured API key", await refused.Content.ReadAsStringAsync());
        }
        var limited = await SignInAsync(client, ClientA, TestKeys.Auditor.Key);
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal("application/problem+json", limited.Content.Headers.ContentType?.MediaType);
        Assert.Contains("sign-in attempts", (await limited.ReadJson()).GetProperty("title").GetString());

        var elsewhere = await SignInAsync(client, ClientB, TestKeys.Auditor.Key);
        Assert.Equal(HttpStatusCode.OK, elsewhere.StatusCode);
        Assert.Equal("/console", elsewhere.RequestMessage!.RequestUri!.AbsolutePath);
    }

    [Fact]
    public async Task Requests_with_api_keys_are_limited_per_client_address_whatever_the_key()
    {
        using var app = Application(("RateLimiting:ApiRequestsPerWindow", "5"), ("RateLimiting:ApiRequestWindowSeconds", "86400"));
        using var client = app.CreateClient().WithKey(null);

        var answers = new List<HttpResponseMessage>();
        for (var i = 0; i < 30; i++) answers.Add(await SendAsync(client, HttpMethod.Get, "/rulesets", ClientA, i % 2 == 0 ? TestKeys.AllRoles : Unknown));

        var limited = answers.Where(a => a.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.Equal(HttpStatusCode.OK, answers[0].StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, answers[1].StatusCode);
        // A bucket of 5 for the day.
        Assert.Equal(5, answers.Count(a => a.StatusCode is HttpStatusCode.OK or HttpStatusCode.Unauthorized));
        Assert.NotEmpty(limited);
        // Once over the rate, a guessed key learns nothing: the answer is the same whether the key is right or wrong.
        Assert.Contains(limited, a => a.RequestMessage!.Headers.GetValues(TestKeys.Header).Single() == TestKeys.AllRoles.Key);
        Assert.Contains(limited, a => a.RequestMessage!.Headers.GetValues(TestKeys.Header).Single() == Unknown.Key);
        Assert.True(limited[0].Headers.RetryAfter is not null);
        Assert.Contains("this address", (await limited[0].ReadJson()).GetProperty("title").GetString());

        Assert.Equal(HttpStatusCode.OK, (await SendAsync(client, HttpMethod.Get, "/rulesets", ClientB, TestKeys.AllRoles)).StatusCode);
        // Health probes carry no key and are not counted.
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(client, HttpMethod.Get, "/health/live", ClientA, null)).StatusCode);
    }

    [Fact]
    public async Task Scans_of_the_whole_log_run_a_few_at_a_time()
    {
        using var app = Application(("RateLimiting:ConcurrentLogScans", "1"), ("RateLimiting:LogScanQueue", "0"));
        using var client = app.CreateClient();
        for (var i = 0; i < 12; i++) await client.Decide(ApplicationJson.FromSample("healthy-manufacturer").With("applicationId", $"SCAN-{i}"));

        // An export whose reader has stopped reading holds its scan open (the response waits for room to write).
        using var export = new HttpRequestMessage(HttpMethod.Get, "/decisions/export");
        using var exporting = await client.SendAsync(export, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, exporting.StatusCode);

        foreach (var path in new[] { "/audit/verify", "/rulesets/sme-approval/stats", "/challenger/report", "/decisions/export" })
        {
            var refused = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            Assert.Contains("scans of the decision log", (await refused.ReadJson()).GetProperty("title").GetString());
        }
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/decisions?pageSize=5")).StatusCode);

        exporting.Dispose();
        await WaitUntilAsync(async () => (await client.GetAsync("/audit/verify")).StatusCode == HttpStatusCode.OK);
    }

    private static readonly TestKey Unknown = new("nobody", "not-a-configured-key-0000", false);

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, string address, TestKey? key)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Add("X-Forwarded-For", address);
        if (key is not null) request.Headers.Add(TestKeys.Header, key.Key);
        var response = await client.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    private static async Task<HttpResponseMessage> SignInAsync(HttpClient client, string address, string key)
    {
        using var form = new HttpRequestMessage(HttpMethod.Get, "/console/signin");
        form.Headers.Add("X-Forwarded-For", address);
        var page = await (await client.SendAsync(form)).Content.ReadAsStringAsync();
        using var post = new HttpRequestMessage(HttpMethod.Post, "/console/signin")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["key"] = key, ["__RequestVerificationToken"] = ConsoleForms.Token(page) }),
        };
        post.Headers.Add("X-Forwarded-For", address);
        var response = await client.SendAsync(post);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            if (await condition()) return;
            await Task.Delay(100);
        }
        Assert.Fail("the condition never held within 5 s");
    }

}
