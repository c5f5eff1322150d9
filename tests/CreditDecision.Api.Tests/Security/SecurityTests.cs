using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CreditDecision.Api.Tests;

public class SecurityTests(SharedApplication shared) : IClassFixture<SharedApplication>
{
    private static readonly TestKey UnknownKey = new("nobody", "not-a-configured-key-0000", false);
    private static readonly string AnyDecision = Guid.NewGuid().ToString();

    /// <summary>Every protected endpoint with the one role that may call it (or the two, for reads of rules and portfolio).</summary>
    public static TheoryData<string, string, string> Endpoints => new()
    {
        { "POST", "/decide", "originator" },
        { "POST", "/monitor", "originator" },
        { "GET", "/rulesets", "policy auditor" },
        { "GET", "/rulesets/status", "policy auditor" },
        { "POST", "/rulesets/reload", "policy" },
        { "GET", "/rulesets/sme-approval/stats", "policy" },
        { "GET", "/portfolio", "policy auditor" },
        { "PUT", "/portfolio", "policy" },
        { "POST", "/backtests", "policy" },
        { "GET", "/challenger", "policy auditor" },
        { "GET", "/cluster", "policy auditor" },
        { "GET", "/challenger/report", "policy auditor" },
        { "POST", "/challenger/promote", "policy" },
        { "GET", "/decisions", "auditor" },
        { "GET", "/decisions/export", "auditor" },
        { "GET", $"/decisions/{AnyDecision}", "auditor" },
        { "POST", $"/decisions/{AnyDecision}/replay", "auditor" },
        { "GET", "/audit/verify", "auditor" },
        { "POST", $"/decisions/{AnyDecision}/final", "credit-officer" },
        { "GET", "/referrals", "credit-officer auditor" },
        { "GET", "/reports/overrides", "auditor policy" },
        { "GET", "/metrics", "operator" },
    };

    [Theory, MemberData(nameof(Endpoints))]
    public async Task Each_endpoint_admits_only_its_roles(string method, string path, string roles)
    {
        using var client = shared.App.CreateClient();
        foreach (var key in new[] { TestKeys.Lender, TestKeys.PolicyTeam, TestKeys.Auditor, TestKeys.Operations })
        {
            using var response = await client.WithKey(key).SendAsync(Request(method, path));
            var admitted = key.Roles.Any(role => roles.Split(' ').Contains(role));
            if (admitted)
            {
                Assert.True(response.StatusCode is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden), $"{key.Name} on {method} {path}: {response.StatusCode}");
                continue;
            }
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            var problem = await response.ReadJson();
            Assert.Contains($"'{key.Name}'", problem.GetProperty("detail").GetString());
            Assert.All(roles.Split(' '), role => Assert.Contains(role, problem.GetProperty("requiredRoles").EnumerateArray().Select(r => r.GetString())));
        }
    }

    [Theory, MemberData(nameof(Endpoints))]
    public async Task A_missing_or_unknown_key_is_401_problem(string method, string path, string roles)
    {
        Assert.NotEmpty(roles);
        using var client = shared.App.CreateClient();
        foreach (var key in new[] { null, UnknownKey })
        {
            using var response = await client.WithKey(key).SendAsync(Request(method, path));
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains("X-Api-Key", response.Headers.WwwAuthenticate.ToString());
            var problem = await response.ReadJson();
            Assert.Equal(401, problem.GetProperty("status").GetInt32());
            Assert.Contains("X-Api-Key", problem.GetProperty("detail").GetString());
        }
    }

    [Theory]
    [InlineData("/health")]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    [InlineData("/openapi/v1.json")]
    [InlineData("/swagger/index.html")]
    public async Task Health_and_the_api_description_are_open(string path)
    {
        using var client = shared.App.CreateClient().WithKey(null);
        using var response = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task The_api_description_declares_the_key_and_the_role_of_each_operation()
    {
        using var client = shared.App.CreateClient().WithKey(null);
        var document = await (await client.GetAsync("/openapi/v1.json")).ReadJson();
        var scheme = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("ApiKey");
        Assert.Equal("header", scheme.GetProperty("in").GetString());
        Assert.Equal("X-Api-Key", scheme.GetProperty("name").GetString());
        var reload = document.GetProperty("paths").GetProperty("/rulesets/reload").GetProperty("post");
        Assert.EndsWith("Requires an API key with the role policy.", reload.GetProperty("description").GetString());
        Assert.True(reload.TryGetProperty("security", out _));
        var decide = document.GetProperty("paths").GetProperty("/decide").GetProperty("post");
        Assert.EndsWith("Requires an API key with the role originator.", decide.GetProperty("description").GetString());
    }

    [Fact]
    public async Task The_key_name_is_recorded_as_the_caller_of_a_decision()
    {
        using var client = shared.App.CreateClient().WithKey(TestKeys.Lender);
        var decision = await (await client.Decide(ApplicationJson.FromSample("young-firm"))).ReadJson();
        var id = decision.GetProperty("decisionId").GetGuid();

        var stored = await (await client.WithKey(TestKeys.Auditor).GetAsync($"/decisions/{id}")).ReadJson();
        Assert.Equal("lender", stored.GetProperty("caller").GetString());
    }

    [Fact]
    public async Task Two_key_headers_are_refused()
    {
        using var client = shared.App.CreateClient().WithKey(null);
        using var request = Request("GET", "/audit/verify");
        request.Headers.Add(TestKeys.Header, [TestKeys.Auditor.Key, TestKeys.Auditor.Key]);
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task No_key_reaches_the_logs_at_any_level()
    {
        var lines = new ConcurrentQueue<string>();
        using var app = new CreditDecisionApplication();
        using var logged = app.WithWebHostBuilder(builder => builder
            .UseSetting("Logging:LogLevel:Default", "Trace")
            .UseSetting("Logging:LogLevel:Microsoft.AspNetCore", "Trace")
            .ConfigureLogging(logging => logging.AddProvider(new CollectingLoggerProvider(lines))));
        using var client = logged.CreateClient();
        foreach (var key in new[] { TestKeys.Lender, TestKeys.Auditor, UnknownKey, null })
        {
            (await client.WithKey(key).Decide(ApplicationJson.FromSample("young-firm"))).Dispose();
            (await client.WithKey(key).GetAsync("/audit/verify")).Dispose();
        }

        Assert.NotEmpty(lines);
        Assert.DoesNotContain(lines, line => TestKeys.All.Append(UnknownKey).Any(key => line.Contains(key.Key, StringComparison.Ordinal)));
    }

    [Fact]
    public void The_service_does_not_start_without_keys()
    {
        using var app = new CreditDecisionApplication { Keys = [] };
        var failure = Assert.ThrowsAny<Exception>(() => app.CreateClient());
        var validation = Assert.IsType<OptionsValidationException>(failure.GetBaseException());
        Assert.Contains("No API keys are configured", validation.Message);
    }

    [Theory]
    [InlineData("Auth:ApiKeys:weak:Key", "short", "Key must be 16")]
    [InlineData("Auth:ApiKeys:weak:KeyHash", "abc", "KeyHash must be 64 hexadecimal")]
    [InlineData("Auth:ApiKeys:weak:Roles:0", "admin", "'admin' is not a role")]
    [InlineData("Auth:ApiKeys:weak:Roles:0", "credit-officer", "AuthorityLevel is required for a credit-officer key")]
    [InlineData("Auth:ApiKeys:branch-officer-li:AuthorityLevel", "teller", "'teller' is not an authority level")]
    [InlineData("Auth:ApiKeys:lender:AuthorityLevel", "head-office", "AuthorityLevel is given only for a credit-officer key")]
    public void The_service_does_not_start_with_an_unusable_key(string setting, string value, string message)
    {
        using var app = new CreditDecisionApplication();
        using var misconfigured = app.WithWebHostBuilder(builder => builder.UseSetting(setting, value));
        var failure = Assert.ThrowsAny<Exception>(() => misconfigured.CreateClient());
        Assert.Contains(message, failure.GetBaseException().Message);
    }

    private static HttpRequestMessage Request(string method, string path) => new(new HttpMethod(method), path)
    {
        Content = method is "POST" or "PUT" ? new StringContent("{}", Encoding.UTF8, "application/json") : null,
    };

    private sealed class CollectingLoggerProvider(ConcurrentQueue<string> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Collector(categoryName, lines);

        public void Dispose()
        {
        }

        private sealed class Collector(string category, ConcurrentQueue<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                lines.Enqueue($"{category}: {formatter(state, exception)} {exception} {JsonSerializer.Serialize(state?.ToString())}");
        }
    }
}
