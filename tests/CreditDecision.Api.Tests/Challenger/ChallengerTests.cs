using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CreditDecision.Api.Tests;

/// <summary>
/// A challenger rules folder shadows the champion on live traffic: it never changes what a customer gets, its
/// report is the backtest of the same decisions, and promoting it switches every decision at once.
/// </summary>
public sealed class ChallengerTests : IDisposable
{
    /// <summary>Owner scores around the challenger's minimum: 550 and 590 newly decline, the rest do not move.</summary>
    private static readonly int[] Scores = [480, 550, 590, 620, 760];

    private readonly TempDirectory _champion = RepoPaths.CopyOfRules();
    private readonly TempDirectory _challenger = OwnerScoreHistory.ChallengerFolder();
    private readonly List<CreditDecisionApplication> _apps = [];

    public static TheoryData<string> Stores => TestStores.All;

    public void Dispose()
    {
        foreach (var app in _apps) app.Dispose();
        _champion.Dispose();
        _challenger.Dispose();
    }

    /// <summary>A client of the service with the champion and challenger folders of this test.</summary>
    private HttpClient Client(string store = TestStores.Sqlite)
    {
        var app = new CreditDecisionApplication(_champion.Path, store) { ChallengerDirectory = _challenger.Path };
        _apps.Add(app);
        return app.CreateClient();
    }

    private static async Task<JsonElement> WaitForShadowAsync(HttpClient client, long decisions)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var shadow = (await (await client.GetAsync("/challenger")).ReadJson()).GetProperty("shadow");
            if (shadow.GetProperty("pending").GetInt64() == 0 && shadow.GetProperty("offered").GetInt64() >= decisions) return shadow;
            Assert.True(DateTime.UtcNow < deadline, $"the challenger did not catch up: {shadow}");
            await Task.Delay(50);
        }
    }

    private static async Task<string> ChallengerSnapshotAsync(HttpClient client) =>
        (await (await client.GetAsync("/challenger")).ReadJson()).GetProperty("rulesets").GetProperty("snapshot").GetString()!;

    [Fact]
    public async Task The_challenger_never_changes_what_the_champion_decides()
    {
        using var client = Client();
        using var alone = new CreditDecisionApplication(_champion.Path);
        using var aloneClient = alone.CreateClient();

        foreach (var score in Scores)
        {
            var application = ApplicationJson.FromSample("healthy-manufacturer").With("applicationId", $"SH-{score}").With("applicant.creditScore", score);
            var shadowed = JsonNode.Parse(await (await client.Decide(application)).Content.ReadAsStringAsync())!.AsObject();
            var unshadowed = JsonNode.Parse(await (await aloneClient.Decide(application)).Content.ReadAsStringAsync())!.AsObject();
            foreach (var stamp in new[] { "decisionId", "decidedAt" })
            {
                shadowed.Remove(stamp);
                unshadowed.Remove(stamp);
            }
            Assert.Equal(unshadowed.ToJsonString(), shadowed.ToJsonString());
        }

        var shadow = await WaitForShadowAsync(client, Scores.Length);
        Assert.Equal(Scores.Length, shadow.GetProperty("evaluated").GetInt64());
        var report = await (await client.GetAsync("/challenger/report")).ReadJson();
        // The challenger did decide differently (550 and 590 decline under it), and the customer never saw it.
        Assert.Equal(2, report.GetProperty("comparison").GetProperty("migration").GetProperty("approve").GetProperty("decline").GetInt64());
    }

    [SkippableTheory, MemberData(nameof(Stores))]
    public async Task The_challenger_report_is_the_backtest_of_the_same_traffic(string store)
    {
        Requires.Store(store);
        using var client = Client(store);
        var history = await OwnerScoreHistory.DecideAsync(client, "CH", Scores);
        await WaitForShadowAsync(client, history.Count);

        var response = await client.GetAsync("/challenger/report?pageSize=50");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var report = await response.ReadJson();
        var backtest = await (await client.PostAsJsonAsync("/backtests", new { files = OwnerScoreHistory.Files(_challenger.Path), pageSize = 50 })).ReadJson();

        Assert.Equal(history.Count, report.GetProperty("decisions").GetInt64());
        Assert.Equal(0, report.GetProperty("notShadowed").GetInt64());
        var challengerSnapshot = await ChallengerSnapshotAsync(client);
        Assert.Equal(history.Count, report.GetProperty("challengerSnapshots").GetProperty(challengerSnapshot).GetInt64());
        Assert.Equal(backtest.ToString(), report.GetProperty("comparison").ToString());

        var expectedDeclines = history.Count(d => d.Outcome != "decline" && d.Score is >= 500 and < OwnerScoreHistory.ChallengerMinimumScore);
        Assert.True(expectedDeclines > 0);
        var migration = report.GetProperty("comparison").GetProperty("migration");
        Assert.Equal(expectedDeclines, migration.GetProperty("approve").GetProperty("decline").GetInt64() + migration.GetProperty("refer").GetProperty("decline").GetInt64());
        Assert.Equal(history.Count(d => d.Score is >= 500 and < OwnerScoreHistory.ChallengerMinimumScore),
            report.GetProperty("comparison").GetProperty("newReasonCodes").GetProperty("KO_OWNER_CREDIT_SCORE").GetInt64());

        var html = await client.GetAsync("/challenger/report?format=html");
        Assert.Equal("text/html", html.Content.Headers.ContentType?.MediaType);
        var page = await html.Content.ReadAsStringAsync();
        Assert.Contains($"<h1>Challenger {challengerSnapshot[..12]}", page);
        Assert.Contains("id=\"outcome-migration\"", page);
    }

    [SkippableTheory, MemberData(nameof(Stores))]
    public async Task Promotion_switches_every_decision_at_once_and_is_in_the_log(string store)
    {
        Requires.Store(store);
        using var client = Client(store);
        var championBefore = await (await client.GetAsync("/rulesets")).ReadJson();
        var challengerState = await (await client.GetAsync("/challenger")).ReadJson();
        var challengerSnapshot = challengerState.GetProperty("rulesets").GetProperty("snapshot").GetString()!;
        var oldVersions = DecisionVersions(championBefore);
        var newVersions = DecisionVersions(challengerState.GetProperty("rulesets"));
        Assert.NotEqual(oldVersions, newVersions);

        var decisions = new ConcurrentBag<(string Versions, bool StartedAfterPromotion)>();
        var promoted = 0;
        using var stop = new CancellationTokenSource();
        var deciders = Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested || i < 10; i++)
            {
                var after = Volatile.Read(ref promoted) == 1;
                var response = await client.Decide(ApplicationJson.FromSample("healthy-manufacturer").With("applicationId", $"PR-{worker}-{i}"));
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                decisions.Add((ResponseVersions(await response.ReadJson()), after));
            }
        })).ToList();

        await Task.Delay(300);
        var promotion = await client.PostAsJsonAsync("/challenger/promote", new { snapshotId = challengerSnapshot });
        Volatile.Write(ref promoted, 1);
        await Task.Delay(300);
        await stop.CancelAsync();
        await Task.WhenAll(deciders);

        Assert.Equal(HttpStatusCode.OK, promotion.StatusCode);
        var result = await promotion.ReadJson();
        Assert.Equal(challengerSnapshot, result.GetProperty("snapshotId").GetString());
        Assert.Equal(championBefore.GetProperty("snapshot").GetString(), result.GetProperty("previousSnapshotId").GetString());
        // Every decision ran wholly on one version set, and every one begun after the promotion on the new one.
        Assert.All(decisions, d => Assert.True(d.Versions == oldVersions || d.Versions == newVersions, d.Versions));
        Assert.All(decisions.Where(d => d.StartedAfterPromotion), d => Assert.Equal(newVersions, d.Versions));
        Assert.Contains(decisions, d => d.Versions == oldVersions);

        // The champion folder now holds the challenger's files, so the watcher and a forced reload keep the new rules.
        Assert.Equal(File.ReadAllText(Path.Combine(_challenger.Path, "approval.json")), File.ReadAllText(Path.Combine(_champion.Path, "approval.json")));
        Assert.False(File.Exists(Path.Combine(_champion.Path, "approval.cases.json")));
        var reload = await (await client.PostAsync("/rulesets/reload", null)).ReadJson();
        Assert.Equal(challengerSnapshot, reload.GetProperty("activeSnapshot").GetString());

        var logged = await (await client.GetAsync("/decisions?kind=promotion")).ReadJson();
        var record = Assert.Single(logged.GetProperty("items").EnumerateArray());
        Assert.Equal(result.GetProperty("promotionId").GetString(), record.GetProperty("decisionId").GetString());
        Assert.Equal(TestKeys.AllRoles.Name, record.GetProperty("caller").GetString());
        Assert.Equal(challengerSnapshot, record.GetProperty("snapshotId").GetString());
        var verify = await (await client.GetAsync("/audit/verify")).ReadJson();
        Assert.Equal("intact", verify.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Promotion_is_refused_when_the_challenger_is_not_what_was_reviewed()
    {
        using var client = Client();
        var snapshot = await ChallengerSnapshotAsync(client);
        var champion = (await (await client.GetAsync("/rulesets")).ReadJson()).GetProperty("snapshot").GetString();

        var stale = await client.PostAsJsonAsync("/challenger/promote", new { snapshotId = new string('0', 64) });
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Contains(snapshot, (await stale.ReadJson()).GetProperty("detail").GetString());
        var missing = await client.PostAsJsonAsync("/challenger/promote", new { });
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.True((await missing.ReadJson()).GetProperty("errors").TryGetProperty("snapshotId", out _));
        Assert.Equal(HttpStatusCode.Forbidden, (await client.WithKey(TestKeys.Auditor).PostAsJsonAsync("/challenger/promote", new { snapshotId = snapshot })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.WithKey(TestKeys.Auditor).GetAsync("/challenger/report")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.WithKey(TestKeys.Lender).GetAsync("/challenger")).StatusCode);

        Assert.Equal(champion, (await (await client.WithKey(TestKeys.AllRoles).GetAsync("/rulesets")).ReadJson()).GetProperty("snapshot").GetString());
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/challenger/promote", new { snapshotId = snapshot })).StatusCode);
        var again = await client.PostAsJsonAsync("/challenger/promote", new { snapshotId = snapshot });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("The challenger is already the champion.", (await again.ReadJson()).GetProperty("title").GetString());
    }

    [Fact]
    public async Task A_broken_challenger_folder_is_reported_and_decisions_go_on()
    {
        using var client = Client();
        var before = await ChallengerSnapshotAsync(client);
        File.WriteAllText(Path.Combine(_challenger.Path, "approval.json"), "{ \"WorkflowName\": ");
        await WaitUntilAsync(async () => !(await (await client.GetAsync("/challenger")).ReadJson()).GetProperty("status").GetProperty("valid").GetBoolean());

        var state = await (await client.GetAsync("/challenger")).ReadJson();
        Assert.Contains("approval.json", state.GetProperty("status").GetProperty("errors")[0].GetProperty("file").GetString());
        Assert.Equal(before, state.GetProperty("rulesets").GetProperty("snapshot").GetString());
        Assert.Equal(HttpStatusCode.OK, (await client.Decide(ApplicationJson.FromSample("healthy-manufacturer"))).StatusCode);
        // The challenger keeps shadowing on its last good rules, as the champion would.
        Assert.Equal(1, (await WaitForShadowAsync(client, 1)).GetProperty("evaluated").GetInt64());
    }

    [Fact]
    public async Task Without_a_challenger_nothing_is_shadowed_and_promotion_is_refused()
    {
        using var app = new CreditDecisionApplication();
        using var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.Decide(ApplicationJson.FromSample("healthy-manufacturer"))).StatusCode);

        var state = await (await client.GetAsync("/challenger")).ReadJson();
        Assert.False(state.GetProperty("configured").GetBoolean());
        Assert.Equal(0, state.GetProperty("shadow").GetProperty("offered").GetInt64());
        var report = await (await client.GetAsync("/challenger/report")).ReadJson();
        Assert.Equal(1, report.GetProperty("notShadowed").GetInt64());
        var promote = await client.PostAsJsonAsync("/challenger/promote", new { snapshotId = "x" });
        Assert.Equal(HttpStatusCode.Conflict, promote.StatusCode);
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out");
            await Task.Delay(50);
        }
    }

    /// <summary>The decision-stage versions of a GET /rulesets (or challenger) body, as one comparable string.</summary>
    private static string DecisionVersions(JsonElement rulesets) =>
        string.Join(",", rulesets.GetProperty("rulesets").EnumerateArray()
            .Where(r => r.GetProperty("stage").GetString() != "monitoring")
            .Select(r => $"{r.GetProperty("name").GetString()}@{r.GetProperty("version").GetString()}").Order(StringComparer.Ordinal));

    private static string ResponseVersions(JsonElement decision) =>
        string.Join(",", decision.GetProperty("rulesets").EnumerateArray()
            .Select(r => $"{r.GetProperty("name").GetString()}@{r.GetProperty("version").GetString()}").Order(StringComparer.Ordinal));
}
