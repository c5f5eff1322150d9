using System.Net;
using System.Net.Http.Json;

namespace CreditDecision.Api.Tests;

/// <summary>A candidate policy re-decides the logged decisions of a period; the report shows exactly what it changes.</summary>
public sealed class BacktestTests : IDisposable
{
    private readonly CreditDecisionApplication _app = new();
    private readonly TempDirectory _candidate = RepoPaths.CopyOfRules();

    public void Dispose()
    {
        _app.Dispose();
        _candidate.Dispose();
    }

    [Fact]
    public async Task Raising_the_minimum_owner_score_declines_exactly_the_decisions_below_it()
    {
        using var client = _app.CreateClient();
        var history = await OwnerScoreHistory.DecideAsync(client);
        OwnerScoreHistory.RaiseMinimumScore(_candidate.Path);

        var response = await client.PostAsJsonAsync("/backtests", new { files = OwnerScoreHistory.Files(_candidate.Path), pageSize = 200 });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var report = await response.ReadJson();
        Assert.Equal(history.Count, report.GetProperty("decisions").GetInt64());
        // The shipped cases describe the current policy: those with owners under the new minimum now fail, and say so.
        Assert.Contains(report.GetProperty("caseFailures").EnumerateArray(), f => f.GetProperty("message").GetString()!.Contains("KO_OWNER_CREDIT_SCORE"));
        var migration = report.GetProperty("migration");
        foreach (var from in new[] { "approve", "refer" })
        {
            var expected = history.Count(d => d.Outcome == from && d.Score < OwnerScoreHistory.RaisedMinimumScore);
            Assert.Equal(expected, migration.GetProperty(from).GetProperty("decline").GetInt64());
            Assert.Equal(history.Count(d => d.Outcome == from) - expected, migration.GetProperty(from).GetProperty(from).GetInt64());
        }
        Assert.Equal(history.Count(d => d.Outcome == "decline"), migration.GetProperty("decline").GetProperty("decline").GetInt64());
        var newlyBelowMinimum = history.Count(d => d.Score is >= 500 and < OwnerScoreHistory.RaisedMinimumScore);
        Assert.Equal(newlyBelowMinimum, report.GetProperty("newReasonCodes").GetProperty("KO_OWNER_CREDIT_SCORE").GetInt64());

        var changed = report.GetProperty("changed").EnumerateArray().ToList();
        Assert.Equal(report.GetProperty("changedDecisions").GetInt64(), changed.Count);
        Assert.All(changed.Where(c => c.GetProperty("recordedOutcome").GetString() != c.GetProperty("candidateOutcome").GetString()), c =>
        {
            Assert.Equal("decline", c.GetProperty("candidateOutcome").GetString());
            Assert.Equal(0m, c.GetProperty("candidateLimit").GetDecimal());
            Assert.Contains(c.GetProperty("differences").EnumerateArray(), d => d.GetProperty("path").GetString() == "$.outcome");
        });
        Assert.Equal(history.Count(d => d.Outcome != "decline" && d.Score < OwnerScoreHistory.RaisedMinimumScore),
            changed.Count(c => c.GetProperty("recordedOutcome").GetString() != c.GetProperty("candidateOutcome").GetString()));
        var candidateRates = report.GetProperty("candidate").GetProperty("rates");
        Assert.True(candidateRates.GetProperty("decline").GetDecimal() > report.GetProperty("recorded").GetProperty("rates").GetProperty("decline").GetDecimal());
    }

    [SkippableFact]
    public async Task The_html_report_renders_in_a_real_browser_with_its_three_charts()
    {
        using var client = _app.CreateClient();
        await OwnerScoreHistory.DecideAsync(client);
        OwnerScoreHistory.RaiseMinimumScore(_candidate.Path);

        var response = await client.PostAsJsonAsync("/backtests?format=html", new { files = OwnerScoreHistory.Files(_candidate.Path), pageSize = 10 });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        using var folder = new TempDirectory();
        var page = Path.Combine(folder.Path, "backtest.html");
        await File.WriteAllTextAsync(page, await response.Content.ReadAsStringAsync());

        var browser = Requires.Chromium();
        var dom = await HeadlessBrowser.DumpDomAsync(browser, page);
        foreach (var chart in new[] { "outcome-migration", "limit-distribution", "expected-loss-by-grade" })
        {
            var at = dom.IndexOf($"id=\"{chart}\"", StringComparison.Ordinal);
            Assert.True(at >= 0, $"chart {chart} is missing");
            Assert.Contains("<rect", dom[at..dom.IndexOf("</figure>", at, StringComparison.Ordinal)]);
        }
        Assert.Contains("KO_OWNER_CREDIT_SCORE", dom);
        var screenshot = Path.Combine(folder.Path, "backtest.png");
        await HeadlessBrowser.ScreenshotAsync(browser, page, screenshot);
        Assert.True(new FileInfo(screenshot).Length > 20_000, "the screenshot is (nearly) blank");
        if (Environment.GetEnvironmentVariable("CREDITDECISION_KEEP_SCREENSHOTS") is { } keep) File.Copy(screenshot, Path.Combine(keep, "backtest-report.png"), overwrite: true);
    }

    [Fact]
    public async Task The_recorded_version_set_as_candidate_changes_nothing()
    {
        using var client = _app.CreateClient();
        var history = await OwnerScoreHistory.DecideAsync(client);
        var snapshotId = (await (await client.GetAsync("/rulesets")).ReadJson()).GetProperty("snapshot").GetString();

        var report = await (await client.PostAsJsonAsync("/backtests", new { snapshotId })).ReadJson();

        Assert.Equal(history.Count, report.GetProperty("decisions").GetInt64());
        Assert.Equal(0, report.GetProperty("changedDecisions").GetInt64());
        Assert.Empty(report.GetProperty("newReasonCodes").EnumerateObject());
        Assert.Empty(report.GetProperty("caseFailures").EnumerateArray());
        Assert.Equal(report.GetProperty("recorded").ToString(), report.GetProperty("candidate").ToString());
    }

    [Fact]
    public async Task A_candidate_that_does_not_load_is_refused_with_its_errors()
    {
        using var client = _app.CreateClient();
        FileEdit.Replace(Path.Combine(_candidate.Path, "approval.json"), "applicant.taxArrears > taxArrearsTolerance", "applicant.taxArears > 0");

        var response = await client.PostAsJsonAsync("/backtests", new { files = OwnerScoreHistory.Files(_candidate.Path) });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var error = (await response.ReadJson()).GetProperty("errors")[0];
        Assert.Equal("TaxArrearsOutstanding", error.GetProperty("rule").GetString());
    }

    [Fact]
    public async Task Only_the_policy_role_may_run_a_backtest()
    {
        using var client = _app.CreateClient();
        var body = JsonContent.Create(new { snapshotId = "x" });
        Assert.Equal(HttpStatusCode.Forbidden, (await client.WithKey(TestKeys.Auditor).PostAsync("/backtests", body)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.WithKey(TestKeys.Lender).PostAsync("/backtests", body)).StatusCode);
    }
}
