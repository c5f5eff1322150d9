using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CreditDecision.Api.Tests;

/// <summary>
/// A rule file that passes the sandbox yet throws never stops the service: at start, in the champion's or the
/// challenger's folder, on reload and in a backtest it is refused naming file, rule and reason, and the last good
/// rules serve; a rule that throws only for some inputs refuses just the decision or loan that meets it.
/// </summary>
public sealed class FaultyRuleFileTests : IDisposable
{
    private readonly TempDirectory _champion = RepoPaths.CopyOfRules();
    private readonly TempDirectory _challenger = RepoPaths.CopyOfRules();

    public void Dispose()
    {
        _champion.Dispose();
        _challenger.Dispose();
    }

    public static TheoryData<string> Faults => ["rounding precision", "null argument", "rounding step", "throws for every case"];

    /// <summary>Breaks a rules folder the way the fault says; returns where the error must point and what it must say.</summary>
    private static (string File, string? Rule, string Reason) Break(string folder, string fault)
    {
        var approval = Path.Combine(folder, "approval.json");
        switch (fault)
        {
            case "rounding precision":
                FileEdit.InsertRule(approval, "RoundsTooFinely", "Math.Round(applicant.annualRevenue, 29) > 0", FileEdit.Referral());
                return ("approval.json", "RoundsTooFinely", "Math.Round can round to 0 to 28 decimals, not 29");
            case "null argument":
                FileEdit.InsertRule(approval, "StartsWithNothing", "applicant.industry.StartsWith(null)", FileEdit.Referral());
                return ("approval.json", "StartsWithNothing", "'String.StartsWith' is given null");
            case "rounding step":
                FileEdit.Replace(Path.Combine(folder, "limit.json"), "\"RoundDownTo\": 10000", "\"RoundDownTo\": 0.0000000000000000000000000001");
                return ("limit.json", null, "Settings.RoundDownTo must be 0 (round to the cent) or a step of at least 0.01");
            default:
                FileEdit.InsertRule(approval, "ThrowsForEveryCase", "Math.Round(applicant.annualRevenue, applicant.employees + 100) > 0", FileEdit.Referral());
                return ("approval.json", "ThrowsForEveryCase", "could not be evaluated: its Expression failed");
        }
    }

    private static void AssertNames(JsonElement status, (string File, string? Rule, string Reason) expected)
    {
        Assert.False(status.GetProperty("valid").GetBoolean());
        Assert.Contains(status.GetProperty("errors").EnumerateArray(), error =>
            error.GetProperty("file").GetString()!.EndsWith(expected.File, StringComparison.Ordinal)
            && (error.TryGetProperty("rule", out var rule) ? rule.GetString() : null) == expected.Rule
            && error.GetProperty("message").GetString()!.Contains(expected.Reason, StringComparison.Ordinal));
    }

    private static async Task<long> LoggedRecords(HttpClient client) =>
        (await (await client.GetAsync("/audit/verify")).ReadJson()).GetProperty("records").GetInt64();

    private static string[] Versions(JsonElement decision) =>
        [.. decision.GetProperty("rulesets").EnumerateArray().Select(r => r.GetProperty("version").GetString()!)];

    [Theory, MemberData(nameof(Faults))]
    public async Task With_the_faulty_file_in_the_champion_and_challenger_folders_the_service_starts_and_says_where_the_fault_is(string fault)
    {
        var expected = Break(_champion.Path, fault);
        Break(_challenger.Path, fault);
        using var app = new CreditDecisionApplication(_champion.Path) { ChallengerDirectory = _challenger.Path };
        using var client = app.CreateClient();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/health")).StatusCode);
        var decision = await client.Decide(ApplicationJson.FromSample("healthy-manufacturer"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, decision.StatusCode);
        AssertNames(await (await client.GetAsync("/rulesets/status")).ReadJson(), expected);
        AssertNames((await (await client.GetAsync("/challenger")).ReadJson()).GetProperty("status"), expected);
    }

    [Theory, MemberData(nameof(Faults))]
    public async Task The_faulty_file_is_refused_on_reload_and_in_a_backtest_with_422_while_the_last_good_rules_serve(string fault)
    {
        using var app = new CreditDecisionApplication(_champion.Path);
        using var client = app.CreateClient();
        var before = Versions(await (await client.Decide(ApplicationJson.FromSample("healthy-manufacturer"))).ReadJson());
        var attemptedBefore = (await (await client.GetAsync("/rulesets/status")).ReadJson()).GetProperty("attemptedAt").GetDateTimeOffset();

        var expected = Break(_champion.Path, fault);
        var reload = await client.PostAsync("/rulesets/reload", null);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, reload.StatusCode);
        var status = await reload.ReadJson();
        AssertNames(status, expected);
        Assert.True(status.GetProperty("attemptedAt").GetDateTimeOffset() > attemptedBefore);
        var after = await client.Decide(ApplicationJson.FromSample("healthy-manufacturer"));
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.Equal(before, Versions(await after.ReadJson()));
        Assert.Equal("degraded", (await (await client.GetAsync("/health")).ReadJson()).GetProperty("status").GetString());

        var backtest = await client.PostAsJsonAsync("/backtests", new { files = OwnerScoreHistory.Files(_champion.Path) });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, backtest.StatusCode);
        AssertNames(await backtest.ReadJson(), expected);
    }

    [Fact]
    public async Task A_rule_that_throws_for_one_application_goes_live_refuses_that_decision_naming_the_rule_and_logs_nothing_of_it()
    {
        using var app = new CreditDecisionApplication(_champion.Path);
        using var client = app.CreateClient();
        var meetsTheRule = ApplicationJson.FromSample("healthy-manufacturer").With("applicant.annualRevenue", 123_456_789);
        Assert.Equal(HttpStatusCode.OK, (await client.Decide(meetsTheRule.With("applicationId", "BEFORE-THE-RULE"))).StatusCode);

        // It fires for one other revenue (the case that the cases gate asks of every rule) and throws for this one.
        FileEdit.InsertRule(Path.Combine(_champion.Path, "approval.json"), "ThrowsForOneRevenue",
            "applicant.annualRevenue == 123456789m ? Math.Round(applicant.annualRevenue, applicant.employees + 100) > 0 : applicant.annualRevenue == 98765432m",
            FileEdit.Referral());
        FileEdit.AddCase(Path.Combine(_champion.Path, "approval.cases.json"), "The probe fires for its revenue",
            new() { ["applicant.annualRevenue"] = 98_765_432 }, new() { ["Fired"] = new JsonArray("ThrowsForOneRevenue") });
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/rulesets/reload", null)).StatusCode);
        var logged = await LoggedRecords(client);

        var refused = await client.Decide(meetsTheRule.With("applicationId", "MEETS-THE-RULE"));

        Assert.Equal(HttpStatusCode.InternalServerError, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        var problem = await refused.ReadJson();
        Assert.Equal("sme-approval", problem.GetProperty("ruleset").GetString());
        Assert.Equal("ThrowsForOneRevenue", problem.GetProperty("rule").GetString());
        Assert.DoesNotContain("Math.Round", problem.ToString());
        Assert.Equal(logged, await LoggedRecords(client));
        Assert.Empty((await (await client.GetAsync("/decisions?applicationId=MEETS-THE-RULE")).ReadJson()).GetProperty("items").EnumerateArray());
        Assert.Equal(HttpStatusCode.OK, (await client.Decide(ApplicationJson.FromSample("healthy-manufacturer"))).StatusCode);

        // Backtested against the log, the same rule meets the decision logged before it went live.
        var backtest = await client.PostAsJsonAsync("/backtests", new { files = OwnerScoreHistory.Files(_champion.Path) });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, backtest.StatusCode);
        var backtestError = Assert.Single((await backtest.ReadJson()).GetProperty("errors").EnumerateArray());
        Assert.Equal("ThrowsForOneRevenue", backtestError.GetProperty("rule").GetString());
        Assert.Equal("approval.json", backtestError.GetProperty("file").GetString());
    }

    [Fact]
    public async Task A_loan_that_meets_a_throwing_rule_gets_its_own_error_line_and_the_stream_goes_on()
    {
        FileEdit.InsertRule(Path.Combine(_champion.Path, "monitoring.json"), "ThrowsForOneLoan",
            "review.outstandingAmount == 4242424m ? Math.Round(review.outstandingAmount, review.daysPastDue + 100) > 0 : review.outstandingAmount == 5151515m",
            new() { ["Code"] = "MW_PROBE", ["Level"] = "yellow", ["Message"] = "Probe.", ["Action"] = "watch-list", ["Downgrade"] = 0 });
        FileEdit.AddCase(Path.Combine(_champion.Path, "monitoring.cases.json"), "The probe fires for its amount",
            new() { ["outstandingAmount"] = 5_151_515 }, new() { ["Fired"] = new JsonArray("ThrowsForOneLoan") });
        using var app = new CreditDecisionApplication(_champion.Path);
        using var client = app.CreateClient();
        var throwing = MonitoringTests.HealthyLoan("LN-THROWS");
        throwing["outstandingAmount"] = 4_242_424;
        string[] lines = [MonitoringTests.HealthyLoan("LN-FIRST").ToJsonString(), throwing.ToJsonString(), MonitoringTests.HealthyLoan("LN-LAST").ToJsonString()];

        var response = await client.PostAsync("/monitor", new StringContent(string.Join("\n", lines) + "\n", Encoding.UTF8, MonitoringTests.Ndjson));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answered = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.Equal(4, answered.Count);
        Assert.Equal("LN-FIRST", (string?)answered[0]!["result"]!["loanId"]);
        Assert.Equal(2, (long?)answered[1]!["line"]);
        Assert.Contains("rule 'ThrowsForOneLoan'", (string?)answered[1]!["error"]!["title"]);
        Assert.Equal("LN-LAST", (string?)answered[2]!["result"]!["loanId"]);
        Assert.Equal(2, (long?)answered[3]!["summary"]!["reviewed"]);
        Assert.Equal(1, (long?)answered[3]!["summary"]!["failed"]);
        var logged = await (await client.GetAsync("/decisions?kind=monitoring")).ReadJson();
        Assert.Equal(["LN-FIRST", "LN-LAST"], logged.GetProperty("items").EnumerateArray().Select(r => r.GetProperty("applicationId").GetString()).Order());
    }
}
