using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace CreditDecision.Api.Tests;

/// <summary>
/// A console session stands only while the key it was signed in with does, with the same roles, and for a bounded
/// time; nodes sharing a decision log share the Data Protection keys that encrypt it.
/// </summary>
public sealed partial class ConsoleSessionTests : IDisposable
{
    private readonly TempDirectory _rules = RepoPaths.CopyOfRules();
    private readonly TempDirectory _challenger = OwnerScoreHistory.ChallengerFolder();
    private readonly TestLogDatabase _log = TestLogDatabase.Create(TestStores.Sqlite);
    private readonly CookieContainer _cookies = new();
    private readonly List<CreditDecisionApplication> _nodes = [];

    public void Dispose()
    {
        foreach (var node in _nodes) node.Dispose();
        _log.Dispose();
        _challenger.Dispose();
        _rules.Dispose();
    }

    public static TheoryData<string> KeyChanges => new() { "rotated", "removed", "roles changed" };

    [Theory, MemberData(nameof(KeyChanges))]
    public async Task A_session_ends_when_its_key_changes_and_a_promotion_with_it_is_refused(string change)
    {
        using var before = Node(TestKeys.All);
        using var console = Browser(before);
        await SignInAsync(console, TestKeys.PolicyTeam.Key);
        var page = await console.GetStringAsync("/console/challenger");
        Assert.Contains("id=\"promote\"", page);

        TestKey? changed = change switch
        {
            "rotated" => TestKeys.PolicyTeam with { Key = "test-key-policy-rotated-0005" },
            "removed" => null,
            _ => TestKeys.PolicyTeam with { Roles = ["auditor"] },
        };
        // The node restarted with the new keys: the same log, so the same Data Protection keys decrypt the cookie.
        using var after = Node([.. TestKeys.All.Where(k => k.Name != TestKeys.PolicyTeam.Name), .. changed is null ? Array.Empty<TestKey>() : [changed]]);
        using var next = Browser(after);
        using var api = after.CreateClient();
        var champion = await ChampionAsync(api);

        AssertSentToSignIn(await next.GetAsync("/console/challenger"));
        AssertSentToSignIn(await next.PostAsync("/console/challenger?handler=Promote", PromotionForm(page)));
        Assert.Equal(champion, await ChampionAsync(api));
    }

    [Fact]
    public async Task A_session_signed_in_on_one_node_is_valid_on_another_node_sharing_the_log()
    {
        using var first = Node(TestKeys.All);
        using var console = Browser(first);
        await SignInAsync(console, TestKeys.PolicyTeam.Key);

        // Installed elsewhere: its own content root, which by default would give it keys of its own.
        using var elsewhere = new TempDirectory();
        using var second = Node(TestKeys.All, builder => builder.UseContentRoot(elsewhere.Path));
        using var other = Browser(second);
        var page = await other.GetAsync("/console/challenger");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("id=\"promote\"", await page.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_session_ends_when_idle_and_after_its_lifetime_however_busy()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var app = Node(TestKeys.All, builder => builder
            .UseSetting("Console:IdleTimeout", "00:30:00")
            .UseSetting("Console:SessionLifetime", "02:00:00")
            .ConfigureTestServices(services => services.AddSingleton<TimeProvider>(clock)));
        using var console = Browser(app);

        await SignInAsync(console, TestKeys.Auditor.Key);
        clock.Advance(TimeSpan.FromMinutes(31));
        AssertSentToSignIn(await console.GetAsync("/console/audit"));

        await SignInAsync(console, TestKeys.Auditor.Key);
        for (var used = TimeSpan.Zero; used < TimeSpan.FromHours(2) - TimeSpan.FromMinutes(20); used += TimeSpan.FromMinutes(20))
        {
            clock.Advance(TimeSpan.FromMinutes(20));
            Assert.Equal(HttpStatusCode.OK, (await console.GetAsync("/console/audit")).StatusCode);
        }
        clock.Advance(TimeSpan.FromMinutes(21));
        AssertSentToSignIn(await console.GetAsync("/console/audit"));
    }

    /// <summary>A node on this test's rules and log; disposing the application also disposes what was derived from it.</summary>
    private WebApplicationFactory<Program> Node(IReadOnlyList<TestKey> keys, Action<IWebHostBuilder>? configure = null)
    {
        var app = new CreditDecisionApplication(_rules.Path, TestStores.Sqlite, _log) { ChallengerDirectory = _challenger.Path, Keys = keys };
        _nodes.Add(app);
        return configure is null ? app : app.WithWebHostBuilder(configure);
    }

    /// <summary>A browser's cookie jar, kept across nodes; redirects are not followed, so a test sees where it is sent.</summary>
    private HttpClient Browser(WebApplicationFactory<Program> node) =>
        node.CreateDefaultClient(new Uri("https://localhost"), new CookieContainerHandler(_cookies));

    private static async Task SignInAsync(HttpClient client, string key)
    {
        var form = await client.GetStringAsync("/console/signin");
        var response = await client.PostAsync("/console/signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["key"] = key, ["__RequestVerificationToken"] = ConsoleForms.Token(form),
        }));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/console", response.Headers.Location!.OriginalString);
    }

    private static void AssertSentToSignIn(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/console/signin", new Uri(new Uri("https://localhost"), response.Headers.Location!).AbsolutePath);
    }

    private static async Task<string> ChampionAsync(HttpClient api) =>
        (await (await api.GetAsync("/rulesets")).ReadJson()).GetProperty("snapshot").GetString()!;

    private static FormUrlEncodedContent PromotionForm(string page) => new(new Dictionary<string, string>
    {
        ["snapshotId"] = SnapshotPattern().Match(page).Groups[1].Value, ["__RequestVerificationToken"] = ConsoleForms.Token(page),
    });


    [GeneratedRegex("name=\"snapshotId\" value=\"([0-9a-f]{64})\"")]
    private static partial Regex SnapshotPattern();
}
