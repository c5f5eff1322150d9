using System.Net;
using System.Text.Json;

namespace CreditDecision.Api.Tests;

/// <summary>Rule changes go live without a restart; broken ones never do, and the last good rules keep serving.</summary>
public sealed class RulesLifecycleTests : IDisposable
{
    private static readonly TimeSpan GoLiveWithin = TimeSpan.FromSeconds(5);

    private readonly TempDirectory _rules = RepoPaths.CopyOfRules();
    private readonly CreditDecisionApplication _app;
    private readonly HttpClient _client;

    public RulesLifecycleTests()
    {
        _app = new CreditDecisionApplication(_rules.Path);
        _client = _app.CreateClient();
    }

    public void Dispose()
    {
        _client.Dispose();
        _app.Dispose();
        _rules.Dispose();
    }

    private string RuleFile(string stage) => Path.Combine(_rules.Path, stage + ".json");

    private void Edit(string stage, string from, string to) => FileEdit.Replace(RuleFile(stage), from, to);

    private async Task<JsonElement> DecideHealthy()
    {
        var response = await _client.Decide(ApplicationJson.FromSample("healthy-manufacturer"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.ReadJson();
    }

    private async Task<JsonElement> Status() => await (await _client.GetAsync("/rulesets/status")).ReadJson();

    private static string[] Versions(JsonElement decision) =>
        [.. decision.GetProperty("rulesets").EnumerateArray().Select(r => r.GetProperty("version").GetString()!)];

    private static async Task<T> Eventually<T>(Func<Task<T>> probe, Func<T, bool> done)
    {
        var deadline = DateTime.UtcNow + GoLiveWithin;
        while (true)
        {
            var value = await probe();
            if (done(value) || DateTime.UtcNow > deadline) return value;
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task Edited_threshold_changes_the_next_decision_without_restart()
    {
        Assert.Equal("approve", (await DecideHealthy()).GetProperty("outcome").GetString());

        Edit("approval", "\"minYearsInBusiness\": 2", "\"minYearsInBusiness\": 10");

        var decision = await Eventually(DecideHealthy, d => d.GetProperty("outcome").GetString() == "refer");
        Assert.Equal("refer", decision.GetProperty("outcome").GetString());
        Assert.Contains(decision.GetProperty("reasons").EnumerateArray(), r => r.GetProperty("code").GetString() == "REF_SHORT_TRADING_HISTORY");
    }

    [Fact]
    public async Task New_knock_out_rule_takes_effect()
    {
        // The shipped cases approve manufacturers; policy staff retire them with the moratorium, or it would not go live.
        File.Delete(Path.Combine(_rules.Path, "approval.cases.json"));
        Edit("approval", "  \"Rules\": [\n", """
              "Rules": [
                {
                  "RuleName": "ManufacturingMoratorium",
                  "Description": "Temporary stop on new manufacturing credit while the sector review runs.",
                  "Expression": "applicant.industry == \"manufacturing\"",
                  "Properties": { "Effect": "decline", "ReasonCode": "KO_SECTOR_MORATORIUM", "Message": "New manufacturing credit is suspended.", "CustomerText": { "En": "We are not lending to new manufacturing customers at present.", "ZhHans": "我行目前暂停向制造业新客户放款。" } }
                },

            """);

        var decision = await Eventually(DecideHealthy, d => d.GetProperty("outcome").GetString() == "decline");
        Assert.Equal("decline", decision.GetProperty("outcome").GetString());
        Assert.Equal("KO_SECTOR_MORATORIUM", decision.GetProperty("reasons")[0].GetProperty("code").GetString());
    }

    [Theory]
    [InlineData("syntax error", "\"Stage\": \"approval\",", "\"Stage\": \"approval\"", "not valid JSON")]
    [InlineData("unknown field", "\"Stage\": \"approval\",", "\"Stage\": \"approval\", \"Stgae\": 1,", "Stgae")]
    [InlineData("does not compile", "applicant.taxArrears > taxArrearsTolerance", "applicant.taxArears > taxArrearsTolerance", "does not compile")]
    [InlineData("sandbox: reflection", "applicant.taxArrears > taxArrearsTolerance", "\\\"\\\".GetType().Assembly.FullName != null", "sandbox")]
    [InlineData("sandbox: file access", "applicant.taxArrears > taxArrearsTolerance", "System.IO.File.Exists(\\\"/etc/passwd\\\")", "does not compile")]
    public async Task Broken_edit_is_refused_with_its_reason_while_decisions_continue_on_the_last_good_rules(
        string _, string from, string to, string reason)
    {
        var before = Versions(await DecideHealthy());

        Edit("approval", from, to);
        var status = await Eventually(Status, s => !s.GetProperty("valid").GetBoolean());

        Assert.False(status.GetProperty("valid").GetBoolean());
        var error = status.GetProperty("errors")[0];
        Assert.EndsWith("approval.json", error.GetProperty("file").GetString());
        Assert.Contains(reason, error.GetProperty("message").GetString());
        var after = await DecideHealthy();
        Assert.Equal(before, Versions(after));
        Assert.Equal("approve", after.GetProperty("outcome").GetString());

        var health = await (await _client.GetAsync("/health")).ReadJson();
        Assert.Equal("degraded", health.GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("System.IO.Directory.CreateDirectory(\\\"{0}\\\") != null")]
    [InlineData("\\\"\\\".GetType().Assembly.GetType(\\\"System.IO.Directory\\\").GetMethod(\\\"CreateDirectory\\\").Invoke(null, new object[] {{ \\\"{0}\\\" }}) != null")]
    public async Task A_hostile_rule_dropped_into_the_live_folder_is_refused_and_never_runs(string hostile)
    {
        var marker = Path.Combine(_rules.Path, "..", $"sandbox-marker-{Guid.NewGuid():N}");
        var before = Versions(await DecideHealthy());

        Edit("approval", "applicant.taxArrears > taxArrearsTolerance", string.Format(hostile, marker));
        var refused = await _client.PostAsync("/rulesets/reload", null);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        var error = (await refused.ReadJson()).GetProperty("errors")[0];
        Assert.EndsWith("approval.json", error.GetProperty("file").GetString());
        Assert.Equal("TaxArrearsOutstanding", error.GetProperty("rule").GetString());
        Assert.Contains(marker, error.GetProperty("expression").GetString());
        Assert.Matches("sandbox|does not compile", error.GetProperty("message").GetString());
        Assert.Equal(before, Versions(await DecideHealthy()));
        Assert.False(Path.Exists(marker), "the refused rule ran");
    }

    [Fact]
    public async Task Broken_edit_names_the_rule_and_expression()
    {
        Edit("approval", "applicant.taxArrears > taxArrearsTolerance", "applicant.taxArears > taxArrearsTolerance");
        var status = await Eventually(Status, s => !s.GetProperty("valid").GetBoolean());
        var error = status.GetProperty("errors")[0];
        Assert.Equal("sme-approval", error.GetProperty("ruleset").GetString());
        Assert.Equal("TaxArrearsOutstanding", error.GetProperty("rule").GetString());
        Assert.Equal("applicant.taxArears > taxArrearsTolerance", error.GetProperty("expression").GetString());
    }

    [Fact]
    public async Task Rulesets_lists_the_active_versions_and_every_version_stays_readable_from_the_archive()
    {
        var active = await (await _client.GetAsync("/rulesets")).ReadJson();
        var approval = active.GetProperty("rulesets").EnumerateArray().Single(r => r.GetProperty("stage").GetString() == "approval");
        var version = approval.GetProperty("version").GetString();
        Assert.Equal("approval.json", approval.GetProperty("sourceFile").GetString());
        Assert.True(approval.GetProperty("ruleCount").GetInt32() > 0);
        var original = File.ReadAllBytes(RuleFile("approval"));

        Edit("approval", "\"minYearsInBusiness\": 2", "\"minYearsInBusiness\": 3");
        await Eventually(DecideHealthy, d => Versions(d)[1] != version);
        File.Delete(RuleFile("approval"));

        var archived = await _client.GetAsync($"/rulesets/sme-approval/versions/{version}");
        Assert.Equal(HttpStatusCode.OK, archived.StatusCode);
        Assert.Equal(original, await archived.Content.ReadAsByteArrayAsync());

        var missing = await _client.GetAsync($"/rulesets/sme-approval/versions/{new string('0', 64)}");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Forced_reload_reports_the_result()
    {
        var ok = await _client.PostAsync("/rulesets/reload", null);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.True((await ok.ReadJson()).GetProperty("valid").GetBoolean());

        File.WriteAllText(RuleFile("limit"), "{}");
        var refused = await _client.PostAsync("/rulesets/reload", null);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Contains("limit.json", (await refused.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task Concurrent_decisions_during_twenty_reloads_all_succeed_each_on_one_consistent_snapshot()
    {
        var original = File.ReadAllText(RuleFile("approval"));
        var variant = original.Replace("\"minYearsInBusiness\": 2", "\"minYearsInBusiness\": 3", StringComparison.Ordinal);
        var snapshots = new HashSet<string>();
        async Task Capture() => snapshots.Add(string.Join(",", Versions(await DecideHealthy())));

        await Capture();
        File.WriteAllText(RuleFile("approval"), variant);
        await _client.PostAsync("/rulesets/reload", null);
        await Capture();
        Assert.Equal(2, snapshots.Count);

        using var reloads = new CancellationTokenSource();
        var flipping = Task.Run(async () =>
        {
            for (var i = 0; i < 20; i++)
            {
                File.WriteAllText(RuleFile("approval"), i % 2 == 0 ? original : variant);
                await _client.PostAsync("/rulesets/reload", null);
                await Task.Delay(10);
            }
        });
        var decisions = await Task.WhenAll(Enumerable.Range(0, 1000).Select(async _ =>
        {
            var response = await _client.Decide(ApplicationJson.FromSample("healthy-manufacturer"));
            return (response.StatusCode, Body: await response.ReadJson());
        }));
        await flipping;

        Assert.All(decisions, d => Assert.Equal(HttpStatusCode.OK, d.StatusCode));
        Assert.All(decisions, d =>
        {
            var rulesets = string.Join(",", Versions(d.Body));
            var traced = string.Join(",", d.Body.GetProperty("trace").EnumerateArray().Select(t => t.GetProperty("version").GetString()));
            Assert.Contains(rulesets, snapshots);
            Assert.Equal(rulesets, traced);
        });
    }
}
