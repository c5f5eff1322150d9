namespace CreditDecision.Api.Tests;

/// <summary>
/// A policy change made wholly in the console, through a real headless Chromium: one policy user drafts, evidences
/// and submits it, cannot approve it, a second approves and puts it live, and an auditor reads who did what.
/// </summary>
public sealed class DraftConsoleTests : IDisposable
{
    private readonly TempDirectory _rules = RepoPaths.CopyOfRules();
    private readonly CreditDecisionApplication _app;

    public DraftConsoleTests() => _app = new CreditDecisionApplication(_rules.Path);

    public void Dispose()
    {
        _app.Dispose();
        _rules.Dispose();
    }

    private static async Task SignInAsync(BrowserSession browser, string site, TestKey key)
    {
        await browser.NavigateAsync(site + "/console/signin");
        await browser.FillAsync("#key", key.Key);
        await browser.ClickAndWaitAsync("main button[type=submit]");
    }

    private static async Task SignOutAsync(BrowserSession browser) => await browser.ClickAndWaitAsync("header button[type=submit]");

    /// <summary>The approval cases brought up to a minimum owner score of 580: the case at the old minimum moves to the new one, and the case with every knock-out gains the owner score's.</summary>
    private string UpdatedApprovalCases() => File.ReadAllText(Path.Combine(_rules.Path, "approval.cases.json"))
        .Replace("Owner bureau score of exactly 500 passes the knock-out", "Owner bureau score of exactly 580 passes the knock-out", StringComparison.Ordinal)
        .Replace("\"Changes\": {\"applicant.creditScore\": 500}", "\"Changes\": {\"applicant.creditScore\": 580}", StringComparison.Ordinal)
        .Replace("\"KO_INSUFFICIENT_DEBT_SERVICE\", \"KO_RATING_BELOW_CUTOFF\"", "\"KO_INSUFFICIENT_DEBT_SERVICE\", \"KO_OWNER_CREDIT_SCORE\", \"KO_RATING_BELOW_CUTOFF\"", StringComparison.Ordinal);

    [SkippableFact]
    public async Task A_policy_user_raises_the_minimum_owner_score_in_the_console_and_a_second_one_puts_it_live()
    {
        var chromium = Requires.Chromium();
        var axe = Requires.Axe();
        _app.UseKestrel(0);
        _app.StartServer();
        using var api = _app.CreateClient();
        var site = api.BaseAddress!.GetLeftPart(UriPartial.Authority);
        var owner560 = ApplicationJson.FromSample("healthy-manufacturer").With("applicant.creditScore", 560);
        Assert.Equal("approve", (await api.DecideOk(owner560.With("applicationId", "DC-560"))).GetProperty("outcome").GetString());
        await api.DecideOk(ApplicationJson.FromSample("young-firm").With("applicationId", "DC-YOUNG"));
        var violations = new List<string>();
        await using var browser = await BrowserSession.StartAsync(chromium);

        // The maker starts a draft and raises the minimum through the parameter form: two cases now fail, with their differences.
        await SignInAsync(browser, site, TestKeys.PolicyTeam);
        await browser.NavigateAsync(site + "/console/drafts");
        violations.AddRange((await ConsoleAudit.RunAsync(browser, axe)).Select(v => "drafts: " + v));
        await browser.FillAsync("#name", "Minimum owner score 580");
        await browser.ClickAndWaitAsync("#start-draft");
        var draftPage = browser.Location().Split('?')[0];
        Assert.StartsWith("/console/drafts/", draftPage);
        Assert.Contains("every case passes", await browser.TextAsync("#cases-status"));
        await browser.FillAsync("#parameter-minimumOwnerCreditScore", "580");
        await browser.ClickAndWaitAsync("#save-parameters");
        Assert.Contains("2 failing case(s)", await browser.TextAsync("#cases-status"));
        var failures = await browser.TextAsync("#case-failures");
        Assert.Contains("case 'Owner bureau score of exactly 500 passes the knock-out' fails: Outcome", failures);
        Assert.Contains("KO_OWNER_CREDIT_SCORE", failures);
        Assert.Contains("parameter changed: minimumOwnerCreditScore: 500 -> 580", await browser.TextAsync("#changes"));
        violations.AddRange((await ConsoleAudit.RunAsync(browser, axe)).Select(v => "draft: " + v));
        await ConsoleTests.Screenshot(browser, "draft-cases-fail");

        // A sandbox violation typed into a rule's form is refused beside that rule, and nothing is saved.
        await browser.FillAsync("#expression-OwnerCreditScoreTooLow", "System.IO.File.Exists(\"/etc/passwd\")");
        await browser.ClickAndWaitAsync("#save-OwnerCreditScoreTooLow");
        Assert.Contains("System.IO.File", await browser.TextAsync("#errors-OwnerCreditScoreTooLow"));
        Assert.Contains("version 2", await browser.TextAsync("#draft-state"));

        // The cases brought up to date in the raw editor, then a backtest and its report.
        await browser.NavigateAsync(site + draftPage + "?file=approval.cases.json");
        await browser.FillAsync("#raw-content", UpdatedApprovalCases());
        await browser.ClickAndWaitAsync("#save-raw");
        Assert.True((await browser.TextAsync("#cases-status"))?.Contains("every case passes") == true, await browser.TextAsync("body"));
        Assert.Contains("No backtest of this version", await browser.TextAsync("#backtest-status"));
        await browser.ClickAndWaitAsync("#run-backtest");
        Assert.Contains("Backtest of this version", await browser.TextAsync("#backtest-status"));
        await ConsoleTests.Screenshot(browser, "draft-evidence");
        await browser.ClickAndWaitAsync("#backtests a");
        Assert.Contains("KO_OWNER_CREDIT_SCORE", await browser.TextAsync("body"));
        await browser.NavigateAsync(site + draftPage);

        // Submitted with a rationale; its maker cannot approve it.
        await browser.FillAsync("#rationale-text", "Owners scoring under 580 default at twice the priced rate.");
        await browser.ClickAndWaitAsync("#submit");
        Assert.Contains("submitted", await browser.TextAsync("#draft-state"));
        await browser.ClickAndWaitAsync("#approve");
        Assert.Contains("A maker cannot check their own draft.", await browser.TextAsync("#review-errors"));
        Assert.Contains("submitted", await browser.TextAsync("#draft-state"));

        // A second policy user approves and puts it live.
        await SignOutAsync(browser);
        await SignInAsync(browser, site, TestKeys.AllRoles);
        await browser.NavigateAsync(site + draftPage);
        await browser.FillAsync("#review-text", "Backtest reviewed: one decision in two declines.");
        await browser.ClickAndWaitAsync("#approve");
        Assert.Contains("approved", await browser.TextAsync("#draft-state"));
        await ConsoleTests.Screenshot(browser, "draft-approved");
        await browser.ClickAndWaitAsync("#promote");
        Assert.Contains("Live: version set", await browser.TextAsync("#done"));

        var draftId = draftPage["/console/drafts/".Length..];
        var draft = await (await api.GetAsync($"/drafts/{draftId}")).ReadJson();
        var live = await (await api.GetAsync("/rulesets")).ReadJson();
        Assert.Equal(draft.GetProperty("snapshotId").GetString(), live.GetProperty("snapshot").GetString());
        var approvalVersion = live.GetProperty("rulesets").EnumerateArray().Single(r => r.GetProperty("name").GetString() == "sme-approval").GetProperty("version").GetString();
        var decided = await api.DecideOk(owner560.With("applicationId", "DC-560-after"));
        Assert.Equal("decline", decided.GetProperty("outcome").GetString());
        Assert.Contains(decided.GetProperty("rulesets").EnumerateArray(), r => r.GetProperty("version").GetString() == approvalVersion);

        // An auditor reads maker, checker and rationale in the ruleset's history.
        await SignOutAsync(browser);
        await SignInAsync(browser, site, TestKeys.Auditor);
        await browser.NavigateAsync(site + "/console/rulesets/history?name=sme-approval");
        var promotions = await browser.TextAsync("#promotions");
        Assert.Contains(TestKeys.PolicyTeam.Name, promotions);
        Assert.Contains(TestKeys.AllRoles.Name, promotions);
        Assert.Contains("Owners scoring under 580 default at twice the priced rate.", promotions);
        Assert.Contains(approvalVersion![..12], promotions);
        violations.AddRange((await ConsoleAudit.RunAsync(browser, axe)).Select(v => "history: " + v));
        await ConsoleTests.Screenshot(browser, "history-promotions");
        Assert.Empty(violations);
    }

    [SkippableFact]
    public async Task A_policy_user_adds_a_rule_and_removes_another_through_forms_and_sees_both_side_by_side_with_the_live_rules()
    {
        var chromium = Requires.Chromium();
        var axe = Requires.Axe();
        _app.UseKestrel(0);
        _app.StartServer();
        using var api = _app.CreateClient();
        var site = api.BaseAddress!.GetLeftPart(UriPartial.Authority);
        await using var browser = await BrowserSession.StartAsync(chromium);

        await SignInAsync(browser, site, TestKeys.PolicyTeam);
        await browser.NavigateAsync(site + "/console/drafts");
        await browser.FillAsync("#name", "Refer first-year firms, lend to D tax ratings");
        await browser.ClickAndWaitAsync("#start-draft");
        Assert.Contains("approval.json is as live", await browser.TextAsync("#same-as-live"));

        // A rule the sandbox refuses is named beside the form, what was typed stays, and no version is made.
        await browser.FillAsync("#new-rule-name", "FirstYearOfTrading");
        await browser.FillAsync("#new-rule-expression", "applicant.industry.GetType() != null");
        await browser.FillAsync("#new-rule-description", "A firm in its first year has no full year of accounts: a credit officer reads its management accounts.");
        await browser.SelectAsync("#new-rule-Effect", "refer");
        await browser.FillAsync("#new-rule-ReasonCode", "REF_FIRST_YEAR");
        await browser.FillAsync("#new-rule-Message", "The enterprise has traded for less than a year.");
        await browser.FillAsync("#new-rule-CustomerText-En", "The business has traded for less than a year, so a credit officer will review the application.");
        await browser.FillAsync("#new-rule-CustomerText-ZhHans", "贵企业经营未满一年，将由信贷人员进一步审查。");
        await browser.ClickAndWaitAsync("#add-rule-button");
        var refusal = await browser.TextAsync("#add-rule-errors");
        Assert.Contains("Rule FirstYearOfTrading: Expression is refused by the rule sandbox", refusal);
        Assert.Contains("GetType", refusal);
        Assert.Contains("version 1", await browser.TextAsync("#draft-state"));
        Assert.Equal("FirstYearOfTrading", await browser.EvaluateAsync<string>("document.querySelector('#new-rule-name').value"));
        Assert.Equal("refer", await browser.EvaluateAsync<string>("document.querySelector('#new-rule-Effect').value"));

        await browser.FillAsync("#new-rule-expression", "applicant.yearsInBusiness < 1");
        await browser.ClickAndWaitAsync("#add-rule-button");
        Assert.Contains("version 2", await browser.TextAsync("#draft-state"));
        Assert.Contains("rule added: FirstYearOfTrading", await browser.TextAsync("#changes"));
        Assert.Equal("applicant.yearsInBusiness < 1", await browser.EvaluateAsync<string>("document.querySelector('#expression-FirstYearOfTrading').value"));

        await browser.ClickAndWaitAsync("#remove-TaxCreditRatingD");
        Assert.Contains("Removed TaxCreditRatingD from approval.json.", await browser.TextAsync("#done"));
        Assert.Contains("version 3", await browser.TextAsync("#draft-state"));
        Assert.Contains("rule removed: TaxCreditRatingD", await browser.TextAsync("#changes"));
        Assert.Null(await browser.TextAsync("#rule-TaxCreditRatingD"));

        // Side by side with the live file: the added rule on the draft's side only, the removed one on the live side only.
        string Cells(string side) => $"[...document.querySelectorAll('#side-by-side td.{side}')].map(cell => cell.innerText).join('\\n')";
        var added = await browser.EvaluateAsync<string>(Cells("add"));
        var removed = await browser.EvaluateAsync<string>(Cells("del"));
        Assert.Contains("\"RuleName\": \"FirstYearOfTrading\"", added);
        Assert.Contains("REF_FIRST_YEAR", added);
        Assert.DoesNotContain("TaxCreditRatingD", added);
        Assert.Contains("\"RuleName\": \"TaxCreditRatingD\"", removed);
        Assert.DoesNotContain("FirstYearOfTrading", removed);
        Assert.Contains("unchanged line(s)", await browser.TextAsync("#side-by-side"));

        // The cases of the version run again on request: those expecting the removed knock-out fail.
        await browser.ClickAndWaitAsync("#run-cases");
        Assert.Contains("Ran the cases of version 3 again", await browser.TextAsync("#done"));
        Assert.Contains("failing case(s)", await browser.TextAsync("#cases-status"));
        Assert.Contains("TaxCreditRatingD", await browser.TextAsync("#case-failures"));
        // A stage whose rules' properties vary takes them as a JSON object, beside the value the rule gives.
        await browser.NavigateAsync(site + browser.Location().Split('?')[0] + "?file=limit.json");
        await browser.FillAsync("#new-rule-name", "FirstYearCeiling");
        await browser.FillAsync("#new-rule-expression", "applicant.yearsInBusiness < 1");
        await browser.FillAsync("#new-rule-description", "A firm in its first year borrows at most CNY 500,000 until it has a year of accounts.");
        await browser.FillAsync("#new-rule-properties", "{\"Cap\": ");
        await browser.FillAsync("#new-rule-output", "500000");
        await browser.ClickAndWaitAsync("#add-rule-button");
        Assert.Contains("Properties is not JSON", await browser.TextAsync("#add-rule-errors"));
        Assert.Contains("version 3", await browser.TextAsync("#draft-state"));
        await browser.FillAsync("#new-rule-properties", "{\"Cap\": \"first-year\"}");
        await browser.ClickAndWaitAsync("#add-rule-button");
        Assert.Contains("version 4", await browser.TextAsync("#draft-state"));
        Assert.Contains("rule added: FirstYearCeiling", await browser.TextAsync("#changes"));
        Assert.Contains("\"Cap\": \"first-year\"", await browser.EvaluateAsync<string>(Cells("add")));
        Assert.Empty(await ConsoleAudit.RunAsync(browser, axe));

        await browser.NavigateAsync(site + browser.Location().Split('?')[0]);
        await browser.EvaluateAsync<bool>("(document.querySelector('#against-live').scrollIntoView(), true)");
        Assert.Empty(await ConsoleAudit.RunAsync(browser, axe));
        await ConsoleTests.Screenshot(browser, "draft-rule-added-removed");
    }

    [SkippableFact]
    public async Task The_scorecard_and_the_master_scale_are_edited_as_tables()
    {
        var chromium = Requires.Chromium();
        var axe = Requires.Axe();
        _app.UseKestrel(0);
        _app.StartServer();
        using var api = _app.CreateClient();
        var site = api.BaseAddress!.GetLeftPart(UriPartial.Authority);
        var rating = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(_rules.Path, "rating.json")))!;
        var bin = rating["Rules"]!.AsArray().Single(r => r!["RuleName"]!.GetValue<string>() == "YearsInBusiness_10Plus")!;
        var points = bin["Properties"]!["Points"]!.GetValue<decimal>();
        await using var browser = await BrowserSession.StartAsync(chromium);

        await SignInAsync(browser, site, TestKeys.PolicyTeam);
        await browser.NavigateAsync(site + "/console/drafts");
        await browser.FillAsync("#name", "Reward mature firms more");
        await browser.ClickAndWaitAsync("#start-draft");
        var draftPage = browser.Location().Split('?')[0];
        await browser.NavigateAsync(site + draftPage + "?file=rating.json");
        Assert.Contains("years-in-business", await browser.TextAsync("#scorecard"));
        Assert.Contains("AAA", await browser.TextAsync("#master-scale"));

        await browser.FillAsync("#points-YearsInBusiness-10Plus", (points + 5).ToString(System.Globalization.CultureInfo.InvariantCulture));
        await browser.ClickAndWaitAsync("#save-scorecard");
        Assert.Contains("version 2", await browser.TextAsync("#draft-state"));
        var changes = await browser.TextAsync("#changes");
        Assert.Contains("rule changed: YearsInBusiness_10Plus", changes);
        Assert.Contains($"\"Points\":{points + 5}", changes);
        Assert.Equal((points + 5).ToString(System.Globalization.CultureInfo.InvariantCulture), await browser.EvaluateAsync<string>("document.querySelector('#points-YearsInBusiness-10Plus').value"));

        await browser.FillAsync("#pd-BBB", "2");
        await browser.ClickAndWaitAsync("#save-scale");
        Assert.Contains("must be a probability", await browser.TextAsync("#scale-form"));
        Assert.Contains("version 2", await browser.TextAsync("#draft-state"));
        await browser.FillAsync("#pd-BBB", "0.004");
        await browser.ClickAndWaitAsync("#save-scale");
        Assert.Contains("version 3", await browser.TextAsync("#draft-state"));
        Assert.Contains("\"Grade\":\"BBB\",\"MinScore\":640,\"Pd\":0.004", await browser.TextAsync("#changes"));
        await ConsoleTests.Screenshot(browser, "draft-scorecard");
        Assert.Empty(await ConsoleAudit.RunAsync(browser, axe));
    }
}
