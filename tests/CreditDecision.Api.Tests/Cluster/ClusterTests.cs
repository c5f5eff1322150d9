using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Net;
using System.Text.Json;
using CreditDecision.Audit.Log.Sql;
using Xunit.Abstractions;

namespace CreditDecision.Api.Tests;

/// <summary>
/// Three service instances on loopback ports share one PostgreSQL log: a rules change made through one reaches all
/// within two seconds, every decision lands in the one log and replays on any node, and a restarted node rejoins.
/// </summary>
public sealed class ClusterTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(2);

    private readonly List<IDisposable> _owned = [];

    public void Dispose()
    {
        for (var i = _owned.Count - 1; i >= 0; i--) _owned[i].Dispose();
    }

    private T Own<T>(T disposable) where T : IDisposable
    {
        _owned.Add(disposable);
        return disposable;
    }

    private HttpClient StartNode(string name, string rulesFolder, TestLogDatabase log, string? challengerFolder = null)
    {
        var node = Own(new CreditDecisionApplication(rulesFolder, TestStores.Postgres, log)
        {
            ChallengerDirectory = challengerFolder,
            Settings = new Dictionary<string, string> { ["Cluster:NodeName"] = name, ["Cluster:PollMilliseconds"] = "1000" },
        });
        node.UseKestrel(0);
        node.StartServer();
        return Own(node.CreateClient());
    }

    private static async Task<(string Snapshot, long? Activation)> RulesOf(HttpClient node)
    {
        var rulesets = await (await node.GetAsync("/rulesets")).ReadJson();
        var activation = rulesets.GetProperty("activation");
        return (rulesets.GetProperty("snapshot").GetString()!, activation.ValueKind == JsonValueKind.Number ? activation.GetInt64() : null);
    }

    private static string ApprovalVersion(JsonElement decision) =>
        decision.GetProperty("rulesets").EnumerateArray().Single(r => r.GetProperty("name").GetString() == "sme-approval").GetProperty("version").GetString()!;

    [SkippableFact]
    public async Task Three_nodes_follow_one_activation_and_share_one_log()
    {
        Requires.Postgres();
        using var log = TestLogDatabase.Create(TestStores.Postgres);
        var folderA = Own(RepoPaths.CopyOfRules());
        var folderB = Own(RepoPaths.CopyOfRules());
        var empty = Own(new TempDirectory());
        var a = StartNode("node-a", folderA.Path, log);
        var b = StartNode("node-b", folderB.Path, log);
        var c = StartNode("node-c", empty.Path, log);
        var nodes = new[] { a, b, c };

        // The first node published its folder as activation 1; the others, the one with no files included, took it from the database.
        var first = await RulesOf(a);
        Assert.Equal(1, first.Activation);
        foreach (var node in nodes) Assert.Equal(first, await RulesOf(node));
        var oldApproval = (await (await a.GetAsync("/rulesets")).ReadJson()).GetProperty("rulesets").EnumerateArray()
            .Single(r => r.GetProperty("name").GetString() == "sme-approval").GetProperty("version").GetString();

        var clock = Stopwatch.StartNew();
        var decisions = new ConcurrentBag<(int Node, TimeSpan Started, string Id, string Approval)>();
        using var stop = new CancellationTokenSource();
        var deciders = nodes.Select((node, n) => Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var started = clock.Elapsed;
                var response = await node.Decide(ApplicationJson.FromSample("young-firm").With("applicationId", $"CL-{n}-{i}"));
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                var decision = await response.ReadJson();
                decisions.Add((n, started, decision.GetProperty("decisionId").GetString()!, ApprovalVersion(decision)));
            }
        })).ToList();

        await Task.Delay(700);
        FileEdit.Replace(Path.Combine(folderA.Path, "approval.json"), "\"minYearsInBusiness\": 2", "\"minYearsInBusiness\": 3");
        Assert.Equal(HttpStatusCode.OK, (await a.PostAsync("/rulesets/reload", null)).StatusCode);
        var switchedAt = clock.Elapsed;
        var second = await RulesOf(a);
        Assert.Equal(2, second.Activation);
        foreach (var node in new[] { b, c })
        {
            while (await RulesOf(node) != second)
            {
                Assert.True(clock.Elapsed - switchedAt < Window, $"a node still decided on the old rules {Window.TotalSeconds} s after the activation");
                await Task.Delay(20);
            }
        }
        var followedAfter = clock.Elapsed - switchedAt;
        await Task.Delay(Window + TimeSpan.FromMilliseconds(700));
        await stop.CancelAsync();
        await Task.WhenAll(deciders);

        var newApproval = ApprovalVersion(await (await a.Decide(ApplicationJson.FromSample("young-firm").With("applicationId", "CL-last"))).ReadJson());
        Assert.NotEqual(oldApproval, newApproval);
        Assert.All(decisions, d => Assert.Contains(d.Approval, new[] { oldApproval, newApproval }));
        Assert.All(decisions.Where(d => d.Started > switchedAt + Window || (d.Node == 0 && d.Started > switchedAt)), d => Assert.Equal(newApproval, d.Approval));
        Assert.Contains(decisions, d => d.Approval == oldApproval);
        Assert.True(followedAfter < Window, $"followed after {followedAfter}");
        output.WriteLine($"{decisions.Count} decisions on 3 nodes; the other two nodes were on activation 2 {followedAfter.TotalMilliseconds:N0} ms after node-a's reload returned");

        // One log: every decision of every node is in it, numbered with its activation, and replays identically on another node.
        var exported = (await (await c.GetAsync("/decisions/export")).Content.ReadAsStringAsync())
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement).ToList();
        Assert.Equal(decisions.Count + 1, exported.Count);
        Assert.Equal(decisions.Select(d => d.Id).Append(exported[^1].GetProperty("decisionId").GetString()).Order(), exported.Select(r => r.GetProperty("decisionId").GetString()).Order());
        var activations = exported.ToDictionary(r => r.GetProperty("decisionId").GetString()!, r => r.GetProperty("activation").GetInt64());
        Assert.All(decisions, d => Assert.Equal(d.Approval == oldApproval ? 1 : 2, activations[d.Id]));
        foreach (var sample in decisions.Where(d => d.Node == 0).Take(5).Concat(decisions.Where(d => d.Node == 1 && d.Approval == newApproval).Take(5)))
        {
            var replay = await (await nodes[(sample.Node + 2) % 3].PostAsync($"/decisions/{sample.Id}/replay", null)).ReadJson();
            Assert.True(replay.GetProperty("identical").GetBoolean(), replay.ToString());
        }
        Assert.Equal("intact", (await (await b.GetAsync("/audit/verify")).ReadJson()).GetProperty("status").GetString());

        var cluster = await (await a.GetAsync("/cluster")).ReadJson();
        Assert.Equal(2, cluster.GetProperty("active").GetProperty("activation").GetInt64());
        foreach (var name in new[] { "node-a", "node-b", "node-c" })
        {
            await WaitUntil(async () => (await (await a.GetAsync("/cluster")).ReadJson()).GetProperty("nodes").EnumerateArray()
                .Any(n => n.GetProperty("node").GetString() == name && n.GetProperty("lag").ValueKind == JsonValueKind.Number && n.GetProperty("lag").GetInt64() == 0));
        }

        // A node killed and restarted with its old files rejoins on the cluster's set, not its folder's.
        var nodeB = _owned.OfType<CreditDecisionApplication>().Single(app => app.RulesDirectory == folderB.Path);
        nodeB.Dispose();
        var restarted = StartNode("node-b", folderB.Path, log);
        Assert.Equal(second, await RulesOf(restarted));
        Assert.Equal(newApproval, ApprovalVersion(await (await restarted.Decide(ApplicationJson.FromSample("young-firm").With("applicationId", "CL-restarted"))).ReadJson()));
    }

    [SkippableFact]
    public async Task Disposing_the_log_ends_a_wait_for_activations_in_progress()
    {
        Requires.Postgres();
        using var database = TestLogDatabase.Create(TestStores.Postgres);
        var log = new PostgresDecisionLog(database.ConnectionString);
        await log.MigrateAsync(CancellationToken.None);
        var waiting = log.WaitForActivationAsync(TimeSpan.FromSeconds(60), CancellationToken.None);
        // Give the wait time to LISTEN and block on the server; a node's host is disposed while its follower waits.
        await Task.Delay(500);
        Assert.False(waiting.IsCompleted);

        await log.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [SkippableFact]
    public async Task A_challenger_promoted_on_one_node_goes_live_on_every_node()
    {
        Requires.Postgres();
        using var log = TestLogDatabase.Create(TestStores.Postgres);
        var challenger = Own(OwnerScoreHistory.ChallengerFolder());
        var a = StartNode("node-a", Own(RepoPaths.CopyOfRules()).Path, log, challenger.Path);
        var b = StartNode("node-b", Own(RepoPaths.CopyOfRules()).Path, log);
        var snapshot = (await (await a.GetAsync("/challenger")).ReadJson()).GetProperty("rulesets").GetProperty("snapshot").GetString()!;

        var promotion = await a.PostAsJsonAsync("/challenger/promote", new { snapshotId = snapshot });
        Assert.Equal(HttpStatusCode.OK, promotion.StatusCode);
        var promotedAt = Stopwatch.StartNew();

        Assert.Equal((snapshot, 2L), await RulesOf(a));
        while (await RulesOf(b) != (snapshot, 2L))
        {
            Assert.True(promotedAt.Elapsed < Window, $"node-b still decided on the old rules {Window.TotalSeconds} s after the promotion");
            await Task.Delay(20);
        }
        var declined = await (await b.Decide(ApplicationJson.FromSample("healthy-manufacturer").With("applicant.creditScore", 550))).ReadJson();
        Assert.Contains(declined.GetProperty("reasons").EnumerateArray(), r => r.GetProperty("code").GetString() == "KO_OWNER_CREDIT_SCORE");
        var record = Assert.Single((await (await b.GetAsync("/decisions?kind=promotion")).ReadJson()).GetProperty("items").EnumerateArray());
        Assert.Equal(snapshot, record.GetProperty("snapshotId").GetString());
    }

    [SkippableFact]
    public async Task A_node_that_cannot_load_the_active_set_keeps_its_rules_and_says_it_is_not_ready()
    {
        Requires.Postgres();
        using var log = TestLogDatabase.Create(TestStores.Postgres);
        var node = StartNode("node-a", Own(RepoPaths.CopyOfRules()).Path, log);
        var live = await RulesOf(node);
        Assert.Equal(HttpStatusCode.OK, (await node.GetAsync("/health/ready")).StatusCode);

        // An activation of a version set whose rulesets are nowhere in the archive (written behind the service's back).
        var missing = new string('e', 64);
        await log.ExecuteAsync($"INSERT INTO rule_activations (activation, snapshot_id, activated_at_ms, node) VALUES (2, '{missing}', 0, 'elsewhere')");
        await WaitUntil(async () => (await node.GetAsync("/health/ready")).StatusCode == HttpStatusCode.ServiceUnavailable);
        var ready = await (await node.GetAsync("/health/ready")).ReadJson();
        Assert.Contains(missing, ready.GetProperty("checks").GetProperty("cluster").GetProperty("description").GetString());
        Assert.Equal(live, await RulesOf(node));
        Assert.Equal(HttpStatusCode.OK, (await node.Decide(ApplicationJson.FromSample("healthy-manufacturer"))).StatusCode);

        // The set it has is activated again, as activation 3: the node is on the newest set once more.
        await log.ExecuteAsync($"INSERT INTO rule_activations (activation, snapshot_id, activated_at_ms, node) VALUES (3, '{live.Snapshot}', 0, 'elsewhere')");
        await WaitUntil(async () => (await node.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK);
        Assert.Equal((live.Snapshot, 3L), await RulesOf(node));
    }

    [SkippableFact]
    public async Task Two_officers_finalising_one_referral_on_two_nodes_at_once_leave_one_final_and_a_conflict()
    {
        Requires.Postgres();
        using var log = TestLogDatabase.Create(TestStores.Postgres);
        var a = StartNode("node-a", Own(RepoPaths.CopyOfRules()).Path, log);
        var b = StartNode("node-b", Own(RepoPaths.CopyOfRules()).Path, log);
        var referrals = new List<Guid>();
        for (var i = 0; i < 12; i++)
        {
            var decision = await a.DecideOk(ApplicationJson.FromSample("young-firm"));
            Assert.Equal("refer", decision.GetProperty("outcome").GetString());
            referrals.Add(decision.GetProperty("decisionId").GetGuid());
        }

        foreach (var id in referrals)
        {
            var onA = Finals.PostAsync(a, TestKeys.BranchOfficer, id, new { outcome = "decline" });
            var onB = Finals.PostAsync(b, TestKeys.HeadOffice, id, new { outcome = "decline" });
            var statuses = (await Task.WhenAll(onA, onB)).Select(r => r.StatusCode).Order().ToArray();
            Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Conflict], statuses);
            var finals = await log.ScalarAsync($"SELECT COUNT(*) FROM decisions WHERE application_id = '{id:D}'");
            Assert.Equal(1L, Convert.ToInt64(finals, System.Globalization.CultureInfo.InvariantCulture));
        }
        var verify = await (await b.GetAsync("/audit/verify")).ReadJson();
        Assert.Equal("intact", verify.GetProperty("status").GetString());
    }

    private static async Task WaitUntil(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out");
            await Task.Delay(100);
        }
    }
}
