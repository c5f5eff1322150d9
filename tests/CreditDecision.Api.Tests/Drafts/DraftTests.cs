using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace CreditDecision.Api.Tests;

/// <summary>
/// A policy change as a draft with four eyes: made and evidenced by one policy user, checked by another, refused
/// wherever the evidence or the people are wrong, and promoted with the approval in the decision log's chain.
/// </summary>
public sealed class DraftTests : IDisposable
{
    private const string ExactlyFiveHundredCase = "Owner bureau score of exactly 500 passes the knock-out";

    private readonly List<IDisposable> _owned = [];

    public static TheoryData<string> Stores => TestStores.All;

    public void Dispose()
    {
        for (var i = _owned.Count - 1; i >= 0; i--) _owned[i].Dispose();
    }

    private T Own<T>(T disposable) where T : IDisposable
    {
        _owned.Add(disposable);
        return disposable;
    }

    /// <summary>A service on its own copy of the shipped rules, and a client for each of two policy users: the maker and the checker.</summary>
    private (HttpClient Maker, HttpClient Checker, CreditDecisionApplication App) Service(string store)
    {
        var rules = Own(RepoPaths.CopyOfRules());
        var app = Own(new CreditDecisionApplication(rules.Path, store));
        return (Own(app.CreateClient()).WithKey(TestKeys.PolicyTeam), Own(app.CreateClient()).WithKey(TestKeys.AllRoles), app);
    }

    private static async Task<JsonElement> CreateDraftAsync(HttpClient client, string name = "Raise the minimum owner score")
    {
        var response = await client.PostAsJsonAsync("/drafts", new { name });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.ReadJson();
    }

    private static async Task<string> FileAsync(HttpClient client, string draftId, string file)
    {
        var response = await client.GetAsync($"/drafts/{draftId}/files/{file}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    private static Task<HttpResponseMessage> SaveAsync(HttpClient client, string draftId, string file, string content) =>
        client.PutAsync($"/drafts/{draftId}/files/{file}", new StringContent(content, Encoding.UTF8, "application/json"));

    private static async Task<JsonElement> SavedAsync(HttpClient client, string draftId, string file, string content)
    {
        var response = await SaveAsync(client, draftId, file, content);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.ReadJson();
    }

    /// <summary>Raises the approval ruleset's minimum owner score from 500 to 501 in the draft: exactly one case, the one at 500, then fails.</summary>
    private static async Task<JsonElement> RaiseMinimumScoreAsync(HttpClient maker, string draftId)
    {
        var approval = await FileAsync(maker, draftId, "approval.json");
        Assert.Contains("\"minimumOwnerCreditScore\": 500", approval);
        return await SavedAsync(maker, draftId, "approval.json", approval.Replace("\"minimumOwnerCreditScore\": 500", "\"minimumOwnerCreditScore\": 501"));
    }

    /// <summary>The case at 500 brought up to the new minimum: it now passes at exactly 501.</summary>
    private static async Task<JsonElement> UpdateCaseAsync(HttpClient maker, string draftId)
    {
        var cases = await FileAsync(maker, draftId, "approval.cases.json");
        var updated = cases.Replace(ExactlyFiveHundredCase, "Owner bureau score of exactly 501 passes the knock-out")
            .Replace("\"Changes\": {\"applicant.creditScore\": 500}", "\"Changes\": {\"applicant.creditScore\": 501}");
        Assert.NotEqual(cases, updated);
        return await SavedAsync(maker, draftId, "approval.cases.json", updated);
    }

    private static Task<HttpResponseMessage> ReviewAsync(HttpClient client, string draftId, string verdict, string? comment = null) =>
        client.PostAsJsonAsync($"/drafts/{draftId}/review", new { verdict, comment });

    private static async Task<string> TitleOf(HttpResponseMessage response) => (await response.ReadJson()).GetProperty("title").GetString()!;

    [SkippableTheory, MemberData(nameof(Stores))]
    public async Task A_draft_is_evidenced_by_its_maker_approved_by_another_user_and_goes_live_with_the_approval_in_the_chain(string store)
    {
        Requires.Store(store);
        var (maker, checker, _) = Service(store);
        var at500 = await checker.DecideOk(ApplicationJson.FromSample("healthy-manufacturer").With("applicationId", "DR-500").With("applicant.creditScore", 500));
        Assert.Equal("approve", at500.GetProperty("outcome").GetString());
        var live = (await (await checker.GetAsync("/rulesets")).ReadJson()).GetProperty("snapshot").GetString();

        var draft = await CreateDraftAsync(maker);
        var id = draft.GetProperty("draftId").GetString()!;
        Assert.Equal("editing", draft.GetProperty("state").GetString());
        Assert.Equal(live, draft.GetProperty("baseSnapshotId").GetString());
        Assert.Equal(live, draft.GetProperty("snapshotId").GetString());
        Assert.True(draft.GetProperty("cases").GetProperty("passed").GetBoolean());
        Assert.Empty(draft.GetProperty("changes").EnumerateArray());
        Assert.Contains("approval.cases.json", draft.GetProperty("files").EnumerateArray().Select(f => f.GetString()));

        // The raised minimum makes the case at 500 fail, with what it expected and what it got; the save itself is fine.
        var raised = await RaiseMinimumScoreAsync(maker, id);
        Assert.Equal(2, raised.GetProperty("version").GetInt32());
        Assert.False(raised.GetProperty("cases").GetProperty("passed").GetBoolean());
        var failure = Assert.Single(raised.GetProperty("cases").GetProperty("failures").EnumerateArray());
        Assert.Contains(ExactlyFiveHundredCase, failure.GetProperty("message").GetString());
        Assert.Contains("Outcome", failure.GetProperty("message").GetString());
        var change = Assert.Single(raised.GetProperty("changes").EnumerateArray());
        Assert.Contains("parameter changed: minimumOwnerCreditScore: 500 -> 501", change.GetProperty("changes").EnumerateArray().Select(c => c.GetString()));

        // Submitted with failing cases: the maker cannot approve it, and the checker cannot approve failing cases.
        Assert.Equal(HttpStatusCode.OK, (await maker.PostAsJsonAsync($"/drafts/{id}/submit", new { rationale = "Owner scores at 500 default more than priced." })).StatusCode);
        var ownApproval = await ReviewAsync(maker, id, "approve");
        Assert.Equal(HttpStatusCode.Conflict, ownApproval.StatusCode);
        Assert.Equal("A maker cannot check their own draft.", await TitleOf(ownApproval));
        var failingApproval = await ReviewAsync(checker, id, "approve");
        Assert.Equal(HttpStatusCode.Conflict, failingApproval.StatusCode);
        Assert.Equal("The draft's cases fail.", await TitleOf(failingApproval));
        var submittedEdit = await SaveAsync(maker, id, "approval.json", await FileAsync(maker, id, "approval.json"));
        Assert.Equal(HttpStatusCode.Conflict, submittedEdit.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await ReviewAsync(checker, id, "reject")).StatusCode);
        var rejected = await (await ReviewAsync(checker, id, "reject", "Bring the case at 500 up to date.")).ReadJson();
        Assert.Equal("editing", rejected.GetProperty("state").GetString());
        Assert.Equal("Bring the case at 500 up to date.", rejected.GetProperty("reviewComment").GetString());

        // The case brought up to date, the draft backtested: the decision at 500 now declines.
        var updated = await UpdateCaseAsync(maker, id);
        Assert.True(updated.GetProperty("cases").GetProperty("passed").GetBoolean(), updated.GetProperty("cases").ToString());
        Assert.Equal(HttpStatusCode.OK, (await maker.PostAsJsonAsync($"/drafts/{id}/submit", new { rationale = "Owner scores at 500 default more than priced." })).StatusCode);
        var unevidenced = await ReviewAsync(checker, id, "approve");
        Assert.Equal(HttpStatusCode.Conflict, unevidenced.StatusCode);
        Assert.Equal("No backtest of the current version.", await TitleOf(unevidenced));
        var backtest = await (await maker.PostAsJsonAsync($"/drafts/{id}/backtests", new { })).ReadJson();
        Assert.Equal(1, backtest.GetProperty("report").GetProperty("decisions").GetInt64());
        Assert.Equal(1, backtest.GetProperty("report").GetProperty("migration").GetProperty("approve").GetProperty("decline").GetInt64());
        var backtestId = backtest.GetProperty("backtest").GetProperty("backtestId").GetString();
        var report = await maker.GetAsync($"/drafts/{id}/backtests/{backtestId}");
        Assert.Equal("text/html", report.Content.Headers.ContentType?.MediaType);
        Assert.Contains("id=\"outcome-migration\"", await report.Content.ReadAsStringAsync());

        var approved = await ReviewAsync(checker, id, "approve", "Backtest shows the one decision at 500 declining.");
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        var approvedDraft = await approved.ReadJson();
        Assert.Equal("approved", approvedDraft.GetProperty("state").GetString());
        Assert.True(Assert.Single(approvedDraft.GetProperty("backtests").EnumerateArray()).GetProperty("current").GetBoolean());
        var approvedEdit = await SaveAsync(maker, id, "approval.json", await FileAsync(maker, id, "approval.json"));
        Assert.Equal(HttpStatusCode.Conflict, approvedEdit.StatusCode);
        Assert.Equal("The draft is approved.", await TitleOf(approvedEdit));

        var promotion = await checker.PostAsync($"/drafts/{id}/promote", null);
        Assert.Equal(HttpStatusCode.OK, promotion.StatusCode);
        var promoted = await promotion.ReadJson();
        var newSnapshot = approvedDraft.GetProperty("snapshotId").GetString();
        Assert.Equal(newSnapshot, promoted.GetProperty("snapshotId").GetString());
        Assert.Equal(newSnapshot, (await (await checker.GetAsync("/rulesets")).ReadJson()).GetProperty("snapshot").GetString());
        var after = await checker.DecideOk(ApplicationJson.FromSample("healthy-manufacturer").With("applicationId", "DR-500-after").With("applicant.creditScore", 500));
        Assert.Equal("decline", after.GetProperty("outcome").GetString());
        Assert.Equal(HttpStatusCode.Conflict, (await checker.PostAsync($"/drafts/{id}/promote", null)).StatusCode);

        // The promotion record in the chain names maker, checker, rationale and evidence.
        var record = await (await checker.WithKey(TestKeys.Auditor).GetAsync($"/decisions/{promoted.GetProperty("promotionId").GetString()}")).ReadJson();
        var approval = record.GetProperty("response").GetProperty("approval");
        Assert.Equal([TestKeys.PolicyTeam.Name], approval.GetProperty("makers").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal(TestKeys.AllRoles.Name, approval.GetProperty("checker").GetString());
        Assert.Equal("Owner scores at 500 default more than priced.", approval.GetProperty("rationale").GetString());
        Assert.Equal(backtestId, Assert.Single(approval.GetProperty("backtestIds").EnumerateArray()).GetString());
        Assert.Equal("intact", (await (await checker.GetAsync("/audit/verify")).ReadJson()).GetProperty("status").GetString());
    }

    [SkippableTheory, MemberData(nameof(Stores))]
    public async Task A_save_the_compiler_or_the_sandbox_refuses_names_file_rule_and_expression_and_stores_nothing(string store)
    {
        Requires.Store(store);
        var (maker, _, _) = Service(store);
        var id = (await CreateDraftAsync(maker)).GetProperty("draftId").GetString()!;
        var approval = await FileAsync(maker, id, "approval.json");

        var hostile = approval.Replace("\"applicant.creditScore < minimumOwnerCreditScore\"", "\"System.IO.File.Exists(\\\"/etc/passwd\\\")\"");
        Assert.NotEqual(approval, hostile);
        var refused = await SaveAsync(maker, id, "approval.json", hostile);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        var error = Assert.Single((await refused.ReadJson()).GetProperty("errors").EnumerateArray());
        Assert.Equal("approval.json", error.GetProperty("file").GetString());
        Assert.Equal("OwnerCreditScoreTooLow", error.GetProperty("rule").GetString());
        Assert.Contains("System.IO.File", error.GetProperty("expression").GetString());

        var unknownKey = await SaveAsync(maker, id, "approval.json", approval.Replace("\"Label\":", "\"Lable\":"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, unknownKey.StatusCode);
        var brokenCases = await SaveAsync(maker, id, "approval.cases.json", """{"Ruleset": "sme-approval", "Cases": []}""");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, brokenCases.StatusCode);
        Assert.Contains("Base is required", (await brokenCases.ReadJson()).GetProperty("errors")[0].GetProperty("message").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, (await SaveAsync(maker, id, "..%2Fapproval.json", approval)).StatusCode);

        var draft = await (await maker.GetAsync($"/drafts/{id}")).ReadJson();
        Assert.Equal(1, draft.GetProperty("version").GetInt32());
        Assert.Equal(approval, await FileAsync(maker, id, "approval.json"));
    }

    private static object FirstYearReferral(string expression) => new
    {
        ruleName = "FirstYearOfTrading",
        expression,
        description = "A firm in its first year has no full year of accounts: a credit officer reads its management accounts.",
        // A dictionary, so that the rule format's keys keep their case.
        properties = new Dictionary<string, object>
        {
            ["Effect"] = "refer", ["ReasonCode"] = "REF_FIRST_YEAR", ["Message"] = "The enterprise has traded for less than a year.",
            ["CustomerText"] = new Dictionary<string, string>
            {
                ["En"] = "The business has traded for less than a year, so a credit officer will review the application.",
                ["ZhHans"] = "贵企业经营未满一年，将由信贷人员进一步审查。",
            },
        },
    };

    [SkippableTheory, MemberData(nameof(Stores))]
    public async Task A_rule_added_or_removed_is_the_drafts_next_version_with_the_change_in_words(string store)
    {
        Requires.Store(store);
        var (maker, _, _) = Service(store);
        var id = (await CreateDraftAsync(maker)).GetProperty("draftId").GetString()!;

        var added = await maker.PostAsJsonAsync($"/drafts/{id}/files/approval.json/rules", FirstYearReferral("applicant.yearsInBusiness < 1"));
        Assert.True(added.StatusCode == HttpStatusCode.OK, await added.Content.ReadAsStringAsync());
        var withRule = await added.ReadJson();
        Assert.Equal(2, withRule.GetProperty("version").GetInt32());
        var addedLines = Assert.Single(withRule.GetProperty("changes").EnumerateArray()).GetProperty("changes").EnumerateArray().Select(c => c.GetString()!).ToList();
        Assert.Contains(addedLines, line => line.StartsWith("rule added: FirstYearOfTrading", StringComparison.Ordinal) && line.Contains("REF_FIRST_YEAR"));
        var file = JsonDocument.Parse(await FileAsync(maker, id, "approval.json")).RootElement.GetProperty("Rules");
        var last = file.EnumerateArray().Last();
        Assert.Equal("FirstYearOfTrading", last.GetProperty("RuleName").GetString());
        Assert.Equal("applicant.yearsInBusiness < 1", last.GetProperty("Expression").GetString());
        Assert.Equal("refer", last.GetProperty("Properties").GetProperty("Effect").GetString());

        var removed = await maker.DeleteAsync($"/drafts/{id}/files/approval.json/rules/TaxCreditRatingD");
        Assert.True(removed.StatusCode == HttpStatusCode.OK, await removed.Content.ReadAsStringAsync());
        var withoutRule = await removed.ReadJson();
        Assert.Equal(3, withoutRule.GetProperty("version").GetInt32());
        var lines = Assert.Single(withoutRule.GetProperty("changes").EnumerateArray()).GetProperty("changes").EnumerateArray().Select(c => c.GetString()).ToList();
        Assert.Contains("rule removed: TaxCreditRatingD", lines);
        Assert.Contains(lines, line => line!.StartsWith("rule added: FirstYearOfTrading", StringComparison.Ordinal));
        Assert.DoesNotContain("\"TaxCreditRatingD\"", await FileAsync(maker, id, "approval.json"));
        // The cases that expect the removed knock-out now fail: evidence on the draft, not a refusal of the save.
        Assert.Contains(withoutRule.GetProperty("cases").GetProperty("failures").EnumerateArray(),
            failure => failure.GetProperty("message").GetString()!.Contains("TaxCreditRatingD", StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.NotFound, (await maker.DeleteAsync($"/drafts/{id}/files/approval.json/rules/TaxCreditRatingD")).StatusCode);
        var taken = await maker.PostAsJsonAsync($"/drafts/{id}/files/approval.json/rules", FirstYearReferral("applicant.yearsInBusiness < 2"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, taken.StatusCode);
        var duplicate = Assert.Single((await taken.ReadJson()).GetProperty("errors").EnumerateArray());
        Assert.Equal("FirstYearOfTrading", duplicate.GetProperty("rule").GetString());
        Assert.Contains("rule names must be unique", duplicate.GetProperty("message").GetString());
        Assert.Equal(3, (await (await maker.GetAsync($"/drafts/{id}")).ReadJson()).GetProperty("version").GetInt32());

        var rerun = await (await maker.PostAsync($"/drafts/{id}/cases", null)).ReadJson();
        Assert.Equal(3, rerun.GetProperty("version").GetInt32());
        Assert.Equal(withoutRule.GetProperty("cases").GetProperty("failures").GetArrayLength(), rerun.GetProperty("failures").GetArrayLength());
    }

    [SkippableTheory, MemberData(nameof(Stores))]
    public async Task An_added_rule_the_sandbox_refuses_is_named_with_its_expression_and_no_version_is_stored(string store)
    {
        Requires.Store(store);
        var (maker, _, _) = Service(store);
        var id = (await CreateDraftAsync(maker)).GetProperty("draftId").GetString()!;
        var approval = await FileAsync(maker, id, "approval.json");

        // Reflection is the first step out of the sandbox: the compiler parses it, the sandbox refuses it.
        var refused = await maker.PostAsJsonAsync($"/drafts/{id}/files/approval.json/rules", FirstYearReferral("applicant.industry.GetType() != null"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        var error = Assert.Single((await refused.ReadJson()).GetProperty("errors").EnumerateArray());
        Assert.Equal("approval.json", error.GetProperty("file").GetString());
        Assert.Equal("sme-approval", error.GetProperty("ruleset").GetString());
        Assert.Equal("FirstYearOfTrading", error.GetProperty("rule").GetString());
        Assert.Equal("applicant.industry.GetType() != null", error.GetProperty("expression").GetString());
        var message = error.GetProperty("message").GetString()!;
        Assert.StartsWith("Expression is refused by the rule sandbox: calling '", message);
        Assert.Contains("GetType", message);

        Assert.Equal(1, (await (await maker.GetAsync($"/drafts/{id}")).ReadJson()).GetProperty("version").GetInt32());
        Assert.Equal(approval, await FileAsync(maker, id, "approval.json"));
    }

    [SkippableTheory, MemberData(nameof(Stores))]
    public async Task A_draft_exports_as_a_rules_folder_and_refuses_strangers_and_unknown_sets(string store)
    {
        Requires.Store(store);
        var (maker, checker, app) = Service(store);
        var id = (await CreateDraftAsync(maker)).GetProperty("draftId").GetString()!;
        await RaiseMinimumScoreAsync(maker, id);

        var zip = await maker.GetAsync($"/drafts/{id}/export");
        Assert.Equal("application/zip", zip.Content.Headers.ContentType?.MediaType);
        using var archive = new ZipArchive(await zip.Content.ReadAsStreamAsync());
        Assert.Equal(Directory.GetFiles(app.RulesDirectory, "*.json").Length, archive.Entries.Count);
        using (var reader = new StreamReader(archive.GetEntry("rules/approval.json")!.Open()))
        {
            Assert.Contains("\"minimumOwnerCreditScore\": 501", await reader.ReadToEndAsync());
        }
        Assert.Contains("\"minimumOwnerCreditScore\": 500", File.ReadAllText(Path.Combine(app.RulesDirectory, "approval.json")));

        var listed = await (await checker.GetAsync("/drafts")).ReadJson();
        Assert.Equal(id, Assert.Single(listed.EnumerateArray()).GetProperty("draftId").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, (await Own(app.CreateClient()).WithKey(TestKeys.Auditor).GetAsync($"/drafts/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await maker.GetAsync($"/drafts/{Guid.NewGuid()}")).StatusCode);
        var unknown = await maker.PostAsJsonAsync("/drafts", new { name = "From nowhere", fromSnapshotId = new string('0', 64) });
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.True((await unknown.ReadJson()).GetProperty("errors").TryGetProperty("fromSnapshotId", out _));
        Assert.Equal(HttpStatusCode.BadRequest, (await maker.PostAsJsonAsync("/drafts", new { name = " " })).StatusCode);
    }

    [Fact]
    public async Task An_approved_draft_goes_live_as_the_shadow_challenger_and_the_champion_stays()
    {
        var rules = Own(RepoPaths.CopyOfRules());
        var challengerFolder = Own(OwnerScoreHistory.ChallengerFolder());
        var app = Own(new CreditDecisionApplication(rules.Path) { ChallengerDirectory = challengerFolder.Path });
        var maker = Own(app.CreateClient()).WithKey(TestKeys.PolicyTeam);
        var checker = Own(app.CreateClient());
        var champion = (await (await checker.GetAsync("/rulesets")).ReadJson()).GetProperty("snapshot").GetString();
        var id = (await CreateDraftAsync(maker)).GetProperty("draftId").GetString()!;
        await RaiseMinimumScoreAsync(maker, id);
        var draft = await UpdateCaseAsync(maker, id);
        Assert.Equal(HttpStatusCode.OK, (await maker.PostAsJsonAsync($"/drafts/{id}/backtests", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await maker.PostAsJsonAsync($"/drafts/{id}/submit", new { rationale = "Watch it on live traffic first." })).StatusCode);
        var early = await checker.PostAsync($"/drafts/{id}/challenger", null);
        Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ReviewAsync(checker, id, "approve", "Shadow it for a month.")).StatusCode);

        var shadowed = await checker.PostAsync($"/drafts/{id}/challenger", null);
        Assert.Equal(HttpStatusCode.OK, shadowed.StatusCode);
        var expected = draft.GetProperty("snapshotId").GetString();
        Assert.Equal(expected, (await shadowed.ReadJson()).GetProperty("rulesets").GetProperty("snapshot").GetString());
        Assert.Equal(expected, (await (await checker.GetAsync("/challenger")).ReadJson()).GetProperty("rulesets").GetProperty("snapshot").GetString());
        Assert.Equal(champion, (await (await checker.GetAsync("/rulesets")).ReadJson()).GetProperty("snapshot").GetString());
        Assert.Contains("\"minimumOwnerCreditScore\": 501", File.ReadAllText(Path.Combine(challengerFolder.Path, "approval.json")));
        Assert.Equal("approved", (await (await checker.GetAsync($"/drafts/{id}")).ReadJson()).GetProperty("state").GetString());
    }

    /// <summary>Two nodes on one PostgreSQL log: a draft made on one is approved and promoted on the other, and both go live with it.</summary>
    [SkippableFact]
    public async Task A_draft_made_on_one_node_is_approved_and_promoted_on_the_other()
    {
        Requires.Postgres();
        var log = Own(TestLogDatabase.Create(TestStores.Postgres));
        HttpClient Node(string name)
        {
            var app = Own(new CreditDecisionApplication(Own(RepoPaths.CopyOfRules()).Path, TestStores.Postgres, log)
            {
                Settings = new Dictionary<string, string> { ["Cluster:NodeName"] = name, ["Cluster:PollMilliseconds"] = "500" },
            });
            app.UseKestrel(0);
            app.StartServer();
            return Own(app.CreateClient());
        }
        var a = Node("node-a").WithKey(TestKeys.PolicyTeam);
        var b = Node("node-b");

        var id = (await CreateDraftAsync(a)).GetProperty("draftId").GetString()!;
        await RaiseMinimumScoreAsync(a, id);
        var draft = await UpdateCaseAsync(a, id);
        Assert.Equal(HttpStatusCode.OK, (await a.PostAsJsonAsync($"/drafts/{id}/backtests", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await a.PostAsJsonAsync($"/drafts/{id}/submit", new { rationale = "Tighter owner score." })).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await ReviewAsync(b, id, "approve", "Seen the backtest.")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await b.PostAsync($"/drafts/{id}/promote", null)).StatusCode);

        var expected = draft.GetProperty("snapshotId").GetString();
        Assert.Equal(expected, (await (await b.GetAsync("/rulesets")).ReadJson()).GetProperty("snapshot").GetString());
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while ((await (await a.GetAsync("/rulesets")).ReadJson()).GetProperty("snapshot").GetString() != expected)
        {
            Assert.True(DateTime.UtcNow < deadline, "node-a did not follow the promotion made on node-b");
            await Task.Delay(100);
        }
        var promoted = await (await a.GetAsync($"/drafts/{id}")).ReadJson();
        Assert.Equal("promoted", promoted.GetProperty("state").GetString());
        Assert.Equal(TestKeys.AllRoles.Name, promoted.GetProperty("checker").GetString());
    }
}
