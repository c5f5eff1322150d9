using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace CreditDecision.Api.Tests;

/// <summary>/metrics, readiness, rule statistics from the log, and the structured log line of a decision.</summary>
public sealed class ObservabilityTests : IDisposable
{
    private readonly TempDirectory _rules = RepoPaths.CopyOfRules();

    public void Dispose() => _rules.Dispose();

    /// <summary>Each series of a Prometheus text scrape (name and labels as written, less the meter's scope label) with its value.</summary>
    private static async Task<Dictionary<string, double>> ScrapeAsync(HttpClient client)
    {
        var response = await client.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType);
        var series = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in (await response.Content.ReadAsStringAsync()).Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#') continue;
            var at = line.LastIndexOf(' ');
            var name = line[..at].Replace("{otel_scope_name=\"CreditDecision\"}", "", StringComparison.Ordinal)
                .Replace("otel_scope_name=\"CreditDecision\",", "", StringComparison.Ordinal);
            series[name] = double.Parse(line[(at + 1)..], CultureInfo.InvariantCulture);
        }
        return series;
    }

    private static double Delta(Dictionary<string, double> before, Dictionary<string, double> after, string series) =>
        after.GetValueOrDefault(series) - before.GetValueOrDefault(series);

    [Fact]
    public async Task Metrics_count_decisions_stages_reasons_rule_hits_log_writes_reloads_and_reviews()
    {
        using var app = new CreditDecisionApplication(_rules.Path);
        using var client = app.CreateClient();
        using var scraper = app.CreateClient().WithKey(TestKeys.Operations);
        var snapshot = (await (await client.GetAsync("/rulesets")).ReadJson()).GetProperty("snapshot").GetString();
        var approval = (await (await client.GetAsync("/rulesets")).ReadJson()).GetProperty("rulesets").EnumerateArray()
            .First(r => r.GetProperty("name").GetString() == "sme-approval").GetProperty("version").GetString();
        var before = await ScrapeAsync(scraper);

        for (var i = 0; i < 3; i++) await client.Decide(ApplicationJson.FromSample("healthy-manufacturer").With("applicationId", $"M-{i}"));
        await client.Decide(ApplicationJson.FromSample("tax-arrears"));
        var book = new StringContent(File.ReadAllText(Path.Combine(RepoPaths.Samples, "loan-book.ndjson")), Encoding.UTF8, "application/x-ndjson");
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/monitor", book)).StatusCode);
        FileEdit.Replace(Path.Combine(_rules.Path, "approval.json"), "applicant.taxArrears > taxArrearsTolerance", "applicant.taxArears > 0");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await client.PostAsync("/rulesets/reload", null)).StatusCode);
        var after = await ScrapeAsync(scraper);

        Assert.Equal(3, Delta(before, after, "creditdecision_decisions_total{outcome=\"approve\",product=\"WorkingCapitalLoan\"}"));
        Assert.Equal(1, Delta(before, after, "creditdecision_decisions_total{outcome=\"decline\",product=\"WorkingCapitalLoan\"}"));
        Assert.Equal(1, Delta(before, after, "creditdecision_reason_codes_total{code=\"KO_TAX_ARREARS\",effect=\"decline\"}"));
        Assert.Equal(3, Delta(before, after, "creditdecision_warning_levels_total{level=\"green\"}"));
        Assert.Equal(4, Delta(before, after, "creditdecision_decision_duration_seconds_count"));
        Assert.True(Delta(before, after, "creditdecision_decision_duration_seconds_sum") > 0);
        foreach (var stage in new[] { "rating", "approval", "limit", "pricing", "early-warning" })
        {
            Assert.Equal(4, Delta(before, after, $"creditdecision_stage_duration_seconds_count{{stage=\"{stage}\"}}"));
        }
        Assert.Equal(4, Delta(before, after, $"creditdecision_ruleset_evaluations_total{{ruleset=\"sme-approval\",version=\"{approval}\"}}"));
        Assert.Equal(1, Delta(before, after, $"creditdecision_rule_hits_total{{rule=\"TaxArrearsOutstanding\",ruleset=\"sme-approval\",version=\"{approval}\"}}"));
        Assert.Equal(0, Delta(before, after, $"creditdecision_rule_hits_total{{rule=\"SevereDelinquency\",ruleset=\"sme-approval\",version=\"{approval}\"}}"));
        // Four decisions and six reviews went to the log, in however many group commits.
        Assert.Equal(10, Delta(before, after, "creditdecision_log_batch_size_sum"));
        Assert.Equal(Delta(before, after, "creditdecision_log_batch_size_count"), Delta(before, after, "creditdecision_log_write_duration_seconds_count"));
        Assert.Equal(2, Delta(before, after, "creditdecision_monitoring_reviews_total{level=\"red\"}"));
        Assert.Equal(1, Delta(before, after, "creditdecision_monitoring_reviews_total{level=\"green\"}"));
        // The file watcher may also have met the broken file, before or after the forced reload: each is a refusal.
        Assert.True(Delta(before, after, "creditdecision_rules_reloads_total{folder=\"champion\",result=\"refused\"}") >= 1);
        Assert.Equal(0, Delta(before, after, "creditdecision_rules_reloads_total{folder=\"champion\",result=\"activated\"}"));
        Assert.Contains(after, series => series.Key.StartsWith("creditdecision_rules_active{", StringComparison.Ordinal)
            && series.Key.Contains($"snapshot=\"{snapshot}\"", StringComparison.Ordinal) && series.Value == 1);
        Assert.Contains(after, series => series.Key.StartsWith("http_server_request_duration_seconds_count{", StringComparison.Ordinal)
            && series.Key.Contains("http_route=\"/decide\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_challenger_agreement_is_counted()
    {
        using var challenger = OwnerScoreHistory.ChallengerFolder();
        using var app = new CreditDecisionApplication(_rules.Path) { ChallengerDirectory = challenger.Path };
        using var client = app.CreateClient();
        using var scraper = app.CreateClient().WithKey(TestKeys.Operations);
        var before = await ScrapeAsync(scraper);

        foreach (var score in new[] { 550, 700 }) await client.Decide(ApplicationJson.FromSample("healthy-manufacturer").With("applicant.creditScore", score));
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while ((await (await client.GetAsync("/challenger")).ReadJson()).GetProperty("shadow").GetProperty("evaluated").GetInt64() < 2)
        {
            Assert.True(DateTime.UtcNow < deadline, "the challenger did not evaluate");
            await Task.Delay(50);
        }
        var after = await ScrapeAsync(scraper);

        Assert.Equal(1, Delta(before, after, "creditdecision_challenger_results_total{agree=\"true\"}"));
        Assert.Equal(1, Delta(before, after, "creditdecision_challenger_results_total{agree=\"false\"}"));
    }

    [Fact]
    public async Task Rule_statistics_from_the_log_match_the_traces_of_the_decisions_made()
    {
        using var app = new CreditDecisionApplication(_rules.Path);
        using var client = app.CreateClient();
        var expected = new Dictionary<string, long>(StringComparer.Ordinal);
        var decisions = 0;
        foreach (var sample in new[] { "healthy-manufacturer", "tax-arrears", "young-firm", "distressed-construction", "unsecured-restaurant-group" })
        {
            var response = await (await client.Decide(ApplicationJson.FromSample(sample), trace: "full")).ReadJson();
            decisions++;
            var approval = response.GetProperty("trace").EnumerateArray().Single(s => s.GetProperty("ruleset").GetString() == "sme-approval");
            foreach (var rule in approval.GetProperty("rules").EnumerateArray())
            {
                var name = rule.GetProperty("rule").GetString()!;
                expected[name] = expected.GetValueOrDefault(name) + (rule.GetProperty("fired").GetBoolean() ? 1 : 0);
            }
        }

        var stats = await (await client.GetAsync("/rulesets/sme-approval/stats?from=2000-01-01")).ReadJson();

        Assert.Equal(decisions, stats.GetProperty("evaluations").GetInt64());
        var version = Assert.Single(stats.GetProperty("versions").EnumerateArray());
        var rules = version.GetProperty("rules").EnumerateArray().ToDictionary(r => r.GetProperty("rule").GetString()!);
        Assert.Equal(expected.Keys.Order(), rules.Keys.Order());
        foreach (var (rule, hits) in expected)
        {
            Assert.Equal(hits, rules[rule].GetProperty("hits").GetInt64());
            Assert.Equal(Math.Round((decimal)hits / decisions, 4), rules[rule].GetProperty("rate").GetDecimal());
        }
        Assert.Contains(expected, pair => pair.Value > 0);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.WithKey(TestKeys.Auditor).GetAsync("/rulesets/sme-approval/stats")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.WithKey(TestKeys.AllRoles).GetAsync("/rulesets/sme-approval/stats?from=yesterday")).StatusCode);
    }

    [Fact]
    public async Task Readiness_fails_while_no_rules_load_and_recovers_when_they_do()
    {
        using var empty = new TempDirectory();
        using var app = new CreditDecisionApplication(empty.Path);
        using var client = app.CreateClient().WithKey(null);

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        var notReady = await client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady.StatusCode);
        var body = await notReady.ReadJson();
        Assert.Equal("unhealthy", body.GetProperty("checks").GetProperty("rules").GetProperty("status").GetString());
        Assert.Equal("healthy", body.GetProperty("checks").GetProperty("decision-log").GetProperty("status").GetString());

        foreach (var file in Directory.GetFiles(RepoPaths.Rules, "*.json")) File.Copy(file, Path.Combine(empty.Path, Path.GetFileName(file)));
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while ((await client.GetAsync("/health/ready")).StatusCode != HttpStatusCode.OK)
        {
            Assert.True(DateTime.UtcNow < deadline, "the service did not become ready after valid rules arrived");
            await Task.Delay(100);
        }
    }

    [SkippableFact]
    public async Task Readiness_fails_while_the_database_is_unreachable_and_recovers()
    {
        Requires.Postgres();
        using var proxy = new TcpProxy(new Npgsql.NpgsqlConnectionStringBuilder(TestStores.PostgresConnectionString));
        using var log = TestLogDatabase.Create(TestStores.Postgres, server: proxy.ConnectionString);
        using var app = new CreditDecisionApplication(RepoPaths.Rules, TestStores.Postgres, log);
        using var client = app.CreateClient().WithKey(null);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);

        proxy.Stop();
        var down = await client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
        Assert.Equal("unhealthy", (await down.ReadJson()).GetProperty("checks").GetProperty("decision-log").GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);

        proxy.Start();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while ((await client.GetAsync("/health/ready")).StatusCode != HttpStatusCode.OK)
        {
            Assert.True(DateTime.UtcNow < deadline, "the service did not become ready after the database came back");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task A_decision_logs_one_structured_line_with_its_ids_and_the_console_writes_json()
    {
        var lines = new ConcurrentQueue<(string Category, IReadOnlyList<KeyValuePair<string, object?>> State)>();
        using var app = new CreditDecisionApplication();
        using var logged = app.WithWebHostBuilder(builder =>
        {
            builder.UseSetting("Logging:LogLevel:Default", "Debug");
            builder.ConfigureLogging(logging => logging.AddProvider(new StructuredCollector(lines)));
        });
        using var client = logged.CreateClient();
        var decision = await (await client.Decide(ApplicationJson.FromSample("young-firm"))).ReadJson();

        var line = Assert.Single(lines, l => l.State.Any(p => p.Key == "DecisionId"));
        Assert.Equal(decision.GetProperty("decisionId").GetString(), line.State.Single(p => p.Key == "DecisionId").Value?.ToString());
        Assert.Equal(decision.GetProperty("applicationId").GetString(), line.State.Single(p => p.Key == "ApplicationId").Value?.ToString());
        Assert.DoesNotContain(lines, l => l.State.Any(p => p.Value?.ToString()?.Contains(TestKeys.AllRoles.Key, StringComparison.Ordinal) == true));
        Assert.Equal("json", logged.Services.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>().CurrentValue.FormatterName);
    }

    private sealed class StructuredCollector(ConcurrentQueue<(string, IReadOnlyList<KeyValuePair<string, object?>>)> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Collector(categoryName, lines);

        public void Dispose()
        {
        }

        private sealed class Collector(string category, ConcurrentQueue<(string, IReadOnlyList<KeyValuePair<string, object?>>)> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                lines.Enqueue((category, state as IReadOnlyList<KeyValuePair<string, object?>> ?? []));
        }
    }
}
