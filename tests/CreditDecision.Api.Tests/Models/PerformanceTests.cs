using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;

namespace CreditDecision.Api.Tests;

/// <summary>
/// GET /models/{ruleset}/performance through the real HTTP pipeline: a book decided under two versions of the rating
/// ruleset, outcomes posted a year later, and every figure of the report recomputed here from the decisions as
/// they were sent (exact Mann–Whitney count, KS over every threshold, binomial tails summed term by term, PSI).
/// </summary>
public sealed class PerformanceTests
{
    public static TheoryData<string> Stores => TestStores.All;

    private static readonly DateTimeOffset DecidedAt = new(2025, 1, 15, 10, 0, 0, TimeSpan.Zero);

    private sealed record Decided(string Id, string Version, decimal Score, string Grade, decimal Pd, bool Booked, string[] Fired)
    {
        public bool Defaulted { get; set; }
    }

    private static ApplicationJson Applicant(int i) => ApplicationJson.FromSample("healthy-manufacturer")
        .With("applicationId", $"APP-PERF-{i:D3}")
        .With("applicant.creditScore", 540 + i * 37 % 280)
        .With("applicant.yearsInBusiness", new[] { 1.5m, 2.5m, 4, 7, 12 }[i % 5])
        .With("applicant.totalLiabilities", 21_000_000m * new[] { 0.3m, 0.5m, 0.6m, 0.75m }[i % 4])
        .With("applicant.overdueCountLast24m", i % 7 == 0 ? 2 : 0);

    private static async Task<Decided> DecideAsync(HttpClient client, int i)
    {
        var decision = JsonNode.Parse((await client.DecideOk(Applicant(i))).GetRawText())!;
        var rating = decision["trace"]!.AsArray().First(stage => stage!["stage"]!.GetValue<string>() == "rating")!;
        return new Decided(
            decision["decisionId"]!.GetValue<string>(),
            rating["version"]!.GetValue<string>(),
            decision["rating"]!["score"]!.GetValue<decimal>(),
            decision["rating"]!["grade"]!.GetValue<string>(),
            decision["rating"]!["pd"]!.GetValue<decimal>(),
            decision["outcome"]!.GetValue<string>() is "approve" or "refer",
            [.. rating["rules"]!.AsArray().Where(rule => rule!["fired"]!.GetValue<bool>()).Select(rule => rule!["rule"]!.GetValue<string>())]);
    }

    /// <summary>
    /// Sixty applications decided under two versions of the rating ruleset, a year passed, and their defaults posted
    /// (one dated after its horizon, one cured later); then one more decision, not yet observed.
    /// </summary>
    private static async Task<(List<Decided> Book, Decided NotYetObserved)> BookWithOutcomesAsync(HttpClient client, string rulesFolder, FakeTimeProvider clock)
    {
        var book = new List<Decided>();
        for (var i = 0; i < 30; i++) book.Add(await DecideAsync(client, i));
        FileEdit.Replace(Path.Combine(rulesFolder, "rating.json"), "\"Label\": \"SME rating scorecard 2027-Q1\"", "\"Label\": \"SME rating scorecard 2027-Q1 (relabelled)\"");
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/rulesets/reload", null)).StatusCode);
        for (var i = 30; i < 60; i++) book.Add(await DecideAsync(client, i));
        Assert.Equal(2, book.Select(d => d.Version).Distinct().Count());

        clock.Advance(TimeSpan.FromDays(400));
        var median = book.Select(d => d.Score).Order().ElementAt(book.Count / 2);
        var outcomes = new List<string>();
        for (var i = 0; i < book.Count; i++)
        {
            var loan = book[i];
            loan.Defaulted = (loan.Score < median && i % 2 == 0) || i == 7 || i == 41;
            if (loan.Defaulted) outcomes.Add(OutcomeLine(loan.Id, "default", "2025-08-01"));
        }
        var late = book.First(d => !d.Defaulted && d.Booked);
        outcomes.Add(OutcomeLine(late.Id, "default", "2026-02-01"));
        outcomes.Add(OutcomeLine(book.First(d => d.Defaulted).Id, "cure", "2025-10-01"));
        var notYetObserved = await DecideAsync(client, 99);
        client.WithKey(TestKeys.ModelRisk);
        var posted = await client.PostAsync("/outcomes", new StringContent(string.Join("\n", outcomes) + "\n", System.Text.Encoding.UTF8, MonitoringTests.Ndjson));
        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        return (book, notYetObserved);
    }

    [SkippableTheory, MemberData(nameof(Stores))]
    public async Task The_report_splits_by_version_and_its_figures_equal_an_independent_computation(string store)
    {
        Requires.Store(store);
        using var rules = RepoPaths.CopyOfRules();
        var clock = new FakeTimeProvider(DecidedAt);
        using var app = new CreditDecisionApplication(rules.Path, store) { Clock = clock };
        using var client = app.CreateClient();
        var (book, notYetObserved) = await BookWithOutcomesAsync(client, rules.Path, clock);

        var report = (await client.GetFromJsonAsync<JsonObject>("/models/sme-rating/performance?horizonMonths=12"))!;
        var booked = book.Where(d => d.Booked).ToList();
        Assert.Equal(book.Count + 1, report["decisions"]!.GetValue<long>());
        Assert.Equal(booked.Count + (notYetObserved.Booked ? 1 : 0), report["booked"]!.GetValue<long>());
        Assert.Equal(booked.Count, report["observed"]!.GetValue<long>());
        Assert.Equal(booked.Count(d => d.Defaulted), report["defaults"]!.GetValue<long>());

        var versions = report["versions"]!.AsArray();
        Assert.Equal(booked.Select(d => d.Version).Distinct().Order(StringComparer.Ordinal), versions.Select(v => v!["version"]!.GetValue<string>()));
        foreach (var version in versions)
        {
            var loans = booked.Where(d => d.Version == version!["version"]!.GetValue<string>()).ToList();
            Assert.Equal(loans.Count, version!["loans"]!.GetValue<long>());
            Assert.Equal(loans.Count(d => d.Defaulted), version["defaults"]!.GetValue<long>());
            var discrimination = version["discrimination"]!;
            Assert.Equal(MannWhitneyAuc(loans), discrimination["auc"]!.GetValue<double>(), 1e-12);
            Assert.Equal(2 * MannWhitneyAuc(loans) - 1, discrimination["gini"]!.GetValue<double>(), 1e-12);
            Assert.Equal(KsOverEveryThreshold(loans), discrimination["ks"]!.GetValue<double>(), 1e-12);

            var grades = version["calibration"]!.AsArray().ToDictionary(g => g!["grade"]!.GetValue<string>());
            Assert.Equal(loans.Select(d => d.Grade).Distinct().Order(), grades.Keys.Order());
            foreach (var (grade, row) in grades)
            {
                var inGrade = loans.Where(d => d.Grade == grade).ToList();
                Assert.Equal(inGrade.Count, row!["count"]!.GetValue<long>());
                Assert.Equal(inGrade.Count(d => d.Defaulted), row["defaults"]!.GetValue<long>());
                Assert.Equal(inGrade[0].Pd, row["pd"]!.GetValue<decimal>());
                Assert.Equal(BinomialTailTermByTerm(inGrade.Count, inGrade.Count(d => d.Defaulted), (double)inGrade[0].Pd), row["binomialPValue"]!.GetValue<double>(), 1e-9);
            }
        }

        // The first version's population against the whole window's: each factor's PSI from the bins the decisions fired.
        var window = $"{DecidedAt:yyyy-MM-dd}/{DecidedAt.AddDays(1):yyyy-MM-dd}";
        var withReference = (await client.GetFromJsonAsync<JsonObject>($"/models/sme-rating/performance?horizonMonths=12&reference={window}"))!;
        Assert.Equal(booked.Count, withReference["reference"]!["loans"]!.GetValue<long>());
        var first = withReference["versions"]!.AsArray()[0]!;
        var firstLoans = booked.Where(d => d.Version == first["version"]!.GetValue<string>()).ToList();
        foreach (var factor in first["factors"]!.AsArray())
        {
            var bins = factor!["bins"]!.AsArray().Select(b => b!["bin"]!.GetValue<string>()).ToList();
            var expected = Psi(bins.Select(bin => booked.Count(d => d.Fired.Contains(bin))).ToList(), bins.Select(bin => firstLoans.Count(d => d.Fired.Contains(bin))).ToList());
            Assert.Equal(expected, factor["stability"]!["psi"]!.GetValue<double>(), 1e-12);
        }
        Assert.NotNull(first["scoreStability"]);
    }

    [SkippableFact]
    public async Task The_html_report_renders_its_four_charts_in_Chromium_and_passes_an_axe_audit()
    {
        var chromium = Requires.Chromium();
        var axe = Requires.Axe();
        using var rules = RepoPaths.CopyOfRules();
        var clock = new FakeTimeProvider(DecidedAt);
        using var app = new CreditDecisionApplication(rules.Path) { Clock = clock };
        using var client = app.CreateClient();
        await BookWithOutcomesAsync(client, rules.Path, clock);

        var window = $"{DecidedAt:yyyy-MM-dd}/{DecidedAt.AddDays(1):yyyy-MM-dd}";
        var response = await client.GetAsync($"/models/sme-rating/performance?horizonMonths=12&reference={window}&format=html");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        using var folder = new TempDirectory();
        var page = Path.Combine(folder.Path, "performance.html");
        await File.WriteAllTextAsync(page, await response.Content.ReadAsStringAsync());

        await using var browser = await BrowserSession.StartAsync(chromium);
        await browser.NavigateAsync(new Uri(page).AbsoluteUri);
        var marks = await browser.EvaluateAsync<int[]>("""
            ['roc', 'ks', 'calibration', 'psi'].map(chart => document.querySelectorAll(`figure[id^=${chart}-] polyline, figure[id^=${chart}-] circle, figure[id^=${chart}-] rect`).length)
            """);
        Assert.All(marks, count => Assert.True(count > 0, $"a chart is empty: {string.Join(", ", marks)}"));
        Assert.Equal(2, await browser.EvaluateAsync<int>("document.querySelectorAll('figure[id^=roc-]').length"));
        await browser.AddScriptAsync(axe);
        var violations = await browser.EvaluateAsync<string[]>("""
            (async () => {
              const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
              return result.violations.map(v => `${v.id} (${v.help}): ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', ')}`);
            })()
            """);
        Assert.Empty(violations);
        var screenshot = Path.Combine(folder.Path, "performance.png");
        await browser.ScreenshotAsync(screenshot);
        Assert.True(new FileInfo(screenshot).Length > 20_000, "the screenshot is (nearly) blank");
        if (Environment.GetEnvironmentVariable("CREDITDECISION_KEEP_SCREENSHOTS") is { } keep) File.Copy(screenshot, Path.Combine(keep, "performance-report.png"), overwrite: true);
    }

    [Fact]
    public async Task A_bad_request_names_its_field_and_an_unknown_ruleset_is_not_found()
    {
        using var app = new CreditDecisionApplication();
        using var client = app.CreateClient();
        foreach (var (query, field) in new[] { ("horizonMonths=61", "horizonMonths"), ("from=yesterday", "from"), ("reference=2025-01-01", "reference"), ("format=pdf", "format") })
        {
            var response = await client.GetAsync($"/models/sme-rating/performance?{query}");
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.True((await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject().ContainsKey(field), query);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/models/sme-pricing/performance")).StatusCode);
        client.WithKey(TestKeys.Lender);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/models/sme-rating/performance")).StatusCode);
    }

    private static string OutcomeLine(string decisionId, string outcomeEvent, string date) =>
        new JsonObject { ["decisionId"] = decisionId, ["event"] = outcomeEvent, ["date"] = date }.ToJsonString();

    /// <summary>P(a performing loan scores above a defaulted one), ties half, over every pair.</summary>
    private static double MannWhitneyAuc(List<Decided> loans)
    {
        double wins = 0, pairs = 0;
        foreach (var good in loans.Where(d => !d.Defaulted))
        {
            foreach (var bad in loans.Where(d => d.Defaulted))
            {
                pairs++;
                wins += good.Score > bad.Score ? 1 : good.Score == bad.Score ? 0.5 : 0;
            }
        }
        return wins / pairs;
    }

    private static double KsOverEveryThreshold(List<Decided> loans)
    {
        double goods = loans.Count(d => !d.Defaulted), bads = loans.Count(d => d.Defaulted);
        return loans.Select(d => d.Score).Distinct().Max(threshold =>
            Math.Abs(loans.Count(d => d.Defaulted && d.Score <= threshold) / bads - loans.Count(d => !d.Defaulted && d.Score <= threshold) / goods));
    }

    /// <summary>P(X ≥ k) for X ~ Binomial(n, p), summing the terms C(n, j) pʲ (1 − p)ⁿ⁻ʲ.</summary>
    private static double BinomialTailTermByTerm(int n, int k, double p)
    {
        double sum = 0;
        for (var j = k; j <= n; j++)
        {
            double coefficient = 1;
            for (var m = 1; m <= j; m++) coefficient = coefficient * (n - j + m) / m;
            sum += coefficient * Math.Pow(p, j) * Math.Pow(1 - p, n - j);
        }
        return sum;
    }

    private static double Psi(List<int> reference, List<int> current)
    {
        double referenceTotal = reference.Sum(), currentTotal = current.Sum(), psi = 0;
        for (var i = 0; i < reference.Count; i++)
        {
            double expected = Math.Max(reference[i] / referenceTotal, 0.0001), actual = Math.Max(current[i] / currentTotal, 0.0001);
            psi += (actual - expected) * Math.Log(actual / expected);
        }
        return psi;
    }
}

/// <summary>The development sample shipped for the scorecard, loaded through HTTP as the README's script does.</summary>
public sealed class DevelopmentSampleTests
{
    [Fact]
    public async Task The_development_sample_loaded_through_the_api_gives_a_report_where_the_scorecard_ranks_risk()
    {
        using var app = new CreditDecisionApplication();
        using var client = app.CreateClient();
        var lines = File.ReadAllLines(Path.Combine(RepoPaths.Samples, "development", "sample.ndjson"));
        Assert.Equal(400, lines.Length);
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var outcomes = new List<string>();
        foreach (var line in lines)
        {
            var entry = JsonNode.Parse(line)!;
            var response = await client.PostAsync("/decide", new StringContent(entry["application"]!.ToJsonString(), System.Text.Encoding.UTF8, "application/json"));
            var decision = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
            Assert.True(response.StatusCode == HttpStatusCode.OK, decision.ToJsonString());
            if (entry["defaultedWithin12Months"]!.GetValue<bool>())
            {
                outcomes.Add(new JsonObject { ["decisionId"] = decision["decisionId"]!.GetValue<string>(), ["event"] = "default", ["date"] = today }.ToJsonString());
            }
        }
        Assert.Equal(36, outcomes.Count);
        client.WithKey(TestKeys.ModelRisk);
        var posted = await client.PostAsync("/outcomes", new StringContent(string.Join("\n", outcomes) + "\n", System.Text.Encoding.UTF8, MonitoringTests.Ndjson));
        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);

        var report = (await client.GetFromJsonAsync<JsonObject>("/models/sme-rating/performance?horizonMonths=0"))!;
        var version = report["versions"]!.AsArray().Single()!;
        Assert.True(version["defaults"]!.GetValue<long>() > 20, version["defaults"]!.ToJsonString());
        Assert.True(version["discrimination"]!["giniInterval"]!["lower"]!.GetValue<double>() > 0.1, version["discrimination"]!.ToJsonString());
    }
}
