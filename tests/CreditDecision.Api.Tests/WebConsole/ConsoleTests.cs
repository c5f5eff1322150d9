using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;

namespace CreditDecision.Api.Tests;

/// <summary>The web console, through a real headless Chromium on a loopback port, and its cookie and forms over HTTP.</summary>
public sealed class ConsoleTests : IDisposable
{
    private readonly TempDirectory _rules = RepoPaths.CopyOfRules();
    private readonly TempDirectory _challenger = OwnerScoreHistory.ChallengerFolder();
    private readonly CreditDecisionApplication _app;

    public ConsoleTests() => _app = new CreditDecisionApplication(_rules.Path) { ChallengerDirectory = _challenger.Path };

    public void Dispose()
    {
        _app.Dispose();
        _challenger.Dispose();
        _rules.Dispose();
    }

    /// <summary>Screenshots go to a temporary folder, and to docs/console when CREDITDECISION_KEEP_SCREENSHOTS names a folder.</summary>
    internal static async Task Screenshot(BrowserSession browser, string name)
    {
        var folder = Environment.GetEnvironmentVariable("CREDITDECISION_KEEP_SCREENSHOTS") is { } keep ? Path.Combine(keep, "console") : Path.GetTempPath();
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, name + ".png");
        await browser.ScreenshotAsync(path);
        Assert.True(new FileInfo(path).Length > 10_000, $"the screenshot {name} is (nearly) blank");
    }

    [SkippableFact]
    public async Task Staff_sign_in_open_a_decision_replay_it_diff_a_ruleset_and_see_a_refused_rule_file()
    {
        var chromium = Requires.Chromium();
        using var api = StartOnLoopback();
        var site = api.BaseAddress!.GetLeftPart(UriPartial.Authority);
        var decision = await (await api.Decide(ApplicationJson.FromSample("healthy-manufacturer").With("applicationId", "CONSOLE-1"))).ReadJson();
        await api.Decide(ApplicationJson.FromSample("tax-arrears").With("applicationId", "CONSOLE-2"));
        var book = new StringContent(File.ReadAllText(Path.Combine(RepoPaths.Samples, "loan-book.ndjson")), System.Text.Encoding.UTF8, "application/x-ndjson");
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsync("/monitor", book)).StatusCode);
        await using var browser = await BrowserSession.StartAsync(chromium);

        await browser.NavigateAsync(site + "/console/decisions");
        Assert.Equal("/console/signin", browser.Location().Split('?')[0]);
        await browser.FillAsync("#key", "not-a-key-at-all-00000");
        await browser.ClickAndWaitAsync("main button[type=submit]");
        Assert.Contains("not a configured API key", await browser.TextAsync("#signin-error"));
        await Screenshot(browser, "sign-in");
        await browser.FillAsync("#key", TestKeys.AllRoles.Key);
        await browser.ClickAndWaitAsync("main button[type=submit]");
        Assert.Equal("/console/decisions", browser.Location());

        Assert.Contains("CONSOLE-1", await browser.TextAsync("#results"));
        await Screenshot(browser, "decisions");
        await browser.ClickAndWaitAsync($"a[href='/console/decisions/{decision.GetProperty("decisionId").GetString()}']");
        Assert.Equal("approve", await browser.TextAsync("#outcome"));
        Assert.Contains("TaxArrearsOutstanding", await browser.TextAsync("main"));
        await browser.ClickAndWaitAsync("#replay");
        Assert.Contains("Identical", await browser.TextAsync("#replay-result"));
        await Screenshot(browser, "decision-replayed");

        var approvalBefore = await ApprovalVersionAsync(api);
        FileEdit.Replace(Path.Combine(_rules.Path, "approval.json"), "\"minYearsInBusiness\": 2", "\"minYearsInBusiness\": 3");
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsync("/rulesets/reload", null)).StatusCode);
        await browser.NavigateAsync(site + "/console/rulesets/history?name=sme-approval");
        Assert.Contains($"{approvalBefore}\t", await browser.TextAsync("#versions"));
        Assert.Contains($"{await ApprovalVersionAsync(api)}\t", await browser.TextAsync("#versions"));
        await browser.SelectAsync("#from", approvalBefore);
        await browser.SelectAsync("#to", await ApprovalVersionAsync(api));
        await browser.ClickAndWaitAsync("#compare");
        Assert.Contains("parameter changed: minYearsInBusiness: 2 -> 3", await browser.TextAsync("#changes"));
        Assert.Contains("\"minYearsInBusiness\": 3", await browser.TextAsync("#side-by-side .add"));
        await Screenshot(browser, "ruleset-diff");

        FileEdit.Replace(Path.Combine(_rules.Path, "approval.json"), "applicant.taxArrears > taxArrearsTolerance", "applicant.taxArears > 0");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await api.PostAsync("/rulesets/reload", null)).StatusCode);
        await browser.NavigateAsync(site + "/console/rulesets");
        Assert.Contains("refused", await browser.TextAsync("#validation-status"));
        var errors = await browser.TextAsync("#validation-errors");
        Assert.Contains("approval.json", errors);
        Assert.Contains("TaxArrearsOutstanding", errors);
        Assert.Contains("applicant.taxArears > 0", errors);
        await Screenshot(browser, "rulesets-refused");

        await browser.NavigateAsync(site + "/console/audit");
        await browser.ClickAndWaitAsync("#verify");
        Assert.Contains("Intact: 8 records", await browser.TextAsync("#verification"));
        await Screenshot(browser, "audit");
        await browser.NavigateAsync(site + "/console/challenger");
        Assert.Equal("Promote to champion", await browser.TextAsync("#promote"));
        await Screenshot(browser, "challenger");
        await browser.NavigateAsync(site + "/console/monitoring");
        Assert.Contains("6 loan review(s)", await browser.TextAsync("main"));
        // LN-2021-0218, 210 days past due, is substandard and in stage 3.
        Assert.Contains("substandard", await browser.TextAsync("main"));
        Assert.Contains("stage 3", await browser.TextAsync("main"));
        await Screenshot(browser, "monitoring");
        await browser.ClickAndWaitAsync("nav a[href='/console/risk']");
        Assert.Equal("6", (await browser.TextAsync("#totals .card strong"))?.Trim());
        Assert.Contains("substandard", await browser.TextAsync("#by-classification"));
        await Screenshot(browser, "portfolio-risk");
        await browser.ClickAndWaitAsync("nav a[href='/console/stress']");
        await browser.SelectAsync("#scenario", "property-downturn");
        await browser.ClickAndWaitAsync("#run");
        Assert.Contains("Property downturn 2027", await browser.TextAsync("main"));
        Assert.Contains("Stressed", await browser.TextAsync("#totals"));
        await Screenshot(browser, "stress-test");
        await browser.ClickAndWaitAsync("nav a[href='/console/portfolio']");
        Assert.Contains("manufacturing", await browser.TextAsync("#by-industry"));
        await Screenshot(browser, "portfolio");
    }

    [SkippableFact]
    public async Task Staff_can_use_the_console_from_the_keyboard_and_every_control_is_named()
    {
        var chromium = Requires.Chromium();
        using var api = StartOnLoopback();
        var site = api.BaseAddress!.GetLeftPart(UriPartial.Authority);
        var decisionId = (await (await api.Decide(ApplicationJson.FromSample("healthy-manufacturer"))).ReadJson()).GetProperty("decisionId").GetString();
        await using var browser = await BrowserSession.StartAsync(chromium);

        // Sign in without a mouse: Tab to the key, type it, Enter.
        await browser.NavigateAsync(site + "/console/signin");
        await TabToAsync(browser, "#key");
        await browser.TypeAsync(TestKeys.AllRoles.Key);
        await browser.PressAndWaitAsync("Enter");
        Assert.Equal("/console", browser.Location());

        // The first Tab reaches "Skip to content", which takes the focus past the header to the page's own content.
        await browser.NavigateAsync(site + "/console/decisions");
        await browser.PressAsync("Tab");
        Assert.Equal("Skip to content", await browser.EvaluateAsync<string>("document.activeElement.textContent"));
        await browser.PressAsync("Enter");
        Assert.Equal("main", await browser.EvaluateAsync<string>("document.activeElement.id"));
        // From there a decision opens with Tab and Enter alone.
        await TabToAsync(browser, $"a[href='/console/decisions/{decisionId}']");
        await browser.PressAndWaitAsync("Enter");
        Assert.Equal($"/console/decisions/{decisionId}", browser.Location());

        foreach (var page in new[]
        {
            "/console", "/console/rulesets", "/console/rulesets/history?name=sme-approval", "/console/decisions",
            $"/console/decisions/{decisionId}", "/console/audit", "/console/monitoring", "/console/portfolio", "/console/challenger",
            "/console/risk", "/console/stress",
        })
        {
            await browser.NavigateAsync(site + page);
            Assert.Empty(await browser.EvaluateAsync<string[]>(UnnamedControls));
            // Whatever takes the focus shows it.
            Assert.Equal((page, "solid"), (page, await browser.EvaluateAsync<string>(
                "(() => { const e = document.querySelector('main a[href], main button, main input:not([type=hidden]), main select') ?? document.querySelector('header a[href]'); e.focus(); return getComputedStyle(e).outlineStyle; })()")));
        }
    }

    [SkippableFact]
    public async Task Every_console_page_passes_an_axe_core_audit_for_WCAG_2_1_AA()
    {
        var chromium = Requires.Chromium();
        var axe = Requires.Axe();
        using var api = StartOnLoopback();
        var site = api.BaseAddress!.GetLeftPart(UriPartial.Authority);
        var decisionId = (await (await api.Decide(ApplicationJson.FromSample("tax-arrears"))).ReadJson()).GetProperty("decisionId").GetString();
        var approval = await ApprovalVersionAsync(api);
        await using var browser = await BrowserSession.StartAsync(chromium);
        await browser.NavigateAsync(site + "/console/signin");
        Assert.Empty(await AuditAsync(browser, axe));
        await browser.FillAsync("#key", TestKeys.AllRoles.Key);
        await browser.ClickAndWaitAsync("main button[type=submit]");

        var violations = new List<string>();
        foreach (var page in new[]
        {
            "/console", "/console/rulesets", "/console/rulesets/history?name=sme-approval", $"/console/rulesets/diff?name=sme-approval&from={approval}&to={approval}",
            "/console/decisions", $"/console/decisions/{decisionId}", "/console/audit", "/console/monitoring", "/console/portfolio",
            "/console/challenger", "/console/denied", "/console/risk?since=2000-01-01", "/console/stress?scenario=property-downturn",
        })
        {
            await browser.NavigateAsync(site + page);
            violations.AddRange((await AuditAsync(browser, axe)).Select(v => $"{page}: {v}"));
        }
        Assert.Empty(violations);
    }

    /// <summary>Runs axe-core's WCAG 2.0 and 2.1 A and AA rules on the page; returns each violation with the elements it names.</summary>
    internal static Task<string[]> AuditAsync(BrowserSession browser, string axe) => ConsoleAudit.RunAsync(browser, axe);

    /// <summary>Form fields without a label and buttons or links without text: what a screen reader could not name.</summary>
    private const string UnnamedControls = """
        [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
            .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label'))
            .concat([...document.querySelectorAll('button, a[href]')].filter(e => !e.textContent.trim() && !e.getAttribute('aria-label')))
            .map(e => e.outerHTML)
        """;

    private static async Task TabToAsync(BrowserSession browser, string selector)
    {
        for (var presses = 0; presses < 40; presses++)
        {
            await browser.PressAsync("Tab");
            if (await browser.EvaluateAsync<bool>($"document.activeElement.matches({System.Text.Json.JsonSerializer.Serialize(selector)})")) return;
        }
        Assert.Fail($"Tab never reached {selector}");
    }

    [Fact]
    public async Task A_role_sees_only_its_pages()
    {
        using var client = ConsoleClient();
        await SignInAsync(client, TestKeys.Lender.Key);

        var home = await (await client.GetAsync("/console")).Content.ReadAsStringAsync();
        Assert.DoesNotContain("/console/decisions", home);
        var decisions = await client.GetAsync("/console/decisions");
        Assert.Equal("/console/denied", decisions.RequestMessage!.RequestUri!.AbsolutePath);

        using var auditor = ConsoleClient();
        await SignInAsync(auditor, TestKeys.Auditor.Key);
        Assert.Equal(HttpStatusCode.OK, (await auditor.GetAsync("/console/decisions")).StatusCode);
        Assert.Equal("/console/decisions", (await auditor.GetAsync("/console/decisions")).RequestMessage!.RequestUri!.AbsolutePath);
    }

    [Fact]
    public async Task The_cookie_is_secure_http_only_and_same_site_and_forms_need_the_anti_forgery_token()
    {
        using var client = ConsoleClient();
        var form = await client.GetStringAsync("/console/signin");
        var signIn = await client.PostAsync("/console/signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["key"] = TestKeys.AllRoles.Key, ["__RequestVerificationToken"] = ConsoleForms.Token(form),
        }));
        Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);

        using var raw = _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false, BaseAddress = new Uri("https://localhost") });
        var page = await raw.GetAsync("/console/signin");
        var cookies = page.Headers.GetValues("Set-Cookie").ToList();
        using var post = new HttpRequestMessage(HttpMethod.Post, "/console/signin")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["key"] = TestKeys.AllRoles.Key, ["__RequestVerificationToken"] = ConsoleForms.Token(await page.Content.ReadAsStringAsync()),
            }),
        };
        post.Headers.Add("Cookie", string.Join("; ", cookies.Select(c => c.Split(';')[0])));
        var signedIn = await raw.SendAsync(post);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        var session = Assert.Single(signedIn.Headers.GetValues("Set-Cookie"), c => c.StartsWith("creditdecision-console=", StringComparison.Ordinal));
        Assert.Contains("secure", session, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", session, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", session, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(TestKeys.AllRoles.Key, session);

        // A form posted without its anti-forgery token is refused, even with a valid session.
        var forged = await client.PostAsync("/console/audit", new FormUrlEncodedContent(new Dictionary<string, string>()));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
    }

    [Fact]
    public async Task Policy_staff_open_a_backtest_report_of_a_logged_version_set()
    {
        using var api = _app.CreateClient();
        await api.Decide(ApplicationJson.FromSample("healthy-manufacturer"));
        var snapshot = (await (await api.GetAsync("/rulesets")).ReadJson()).GetProperty("snapshot").GetString();
        using var client = ConsoleClient();
        await SignInAsync(client, TestKeys.PolicyTeam.Key);

        var report = await client.GetAsync($"/console/backtest?snapshotId={snapshot}&from=&to=");

        Assert.Equal(HttpStatusCode.OK, report.StatusCode);
        Assert.Equal("text/html", report.Content.Headers.ContentType?.MediaType);
        Assert.Contains("1 logged decisions", await report.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync($"/console/backtest?snapshotId={new string('0', 64)}")).StatusCode);
    }

    [Fact]
    public async Task Policy_staff_promote_the_reviewed_challenger_and_auditors_cannot()
    {
        using var api = _app.CreateClient();
        var champion = (await (await api.GetAsync("/rulesets")).ReadJson()).GetProperty("snapshot").GetString()!;
        var candidate = (await (await api.GetAsync("/challenger")).ReadJson()).GetProperty("rulesets").GetProperty("snapshot").GetString()!;

        using var auditor = ConsoleClient();
        await SignInAsync(auditor, TestKeys.Auditor.Key);
        Assert.DoesNotContain("id=\"promote\"", await auditor.GetStringAsync("/console/challenger"));
        var refused = await auditor.PostAsync("/console/challenger?handler=Promote", PromotionForm(await auditor.GetStringAsync("/console/audit"), candidate));
        Assert.Equal("/console/denied", refused.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Equal(champion, (await (await api.GetAsync("/rulesets")).ReadJson()).GetProperty("snapshot").GetString());

        using var policy = ConsoleClient();
        await SignInAsync(policy, TestKeys.PolicyTeam.Key);
        var page = await policy.GetStringAsync("/console/challenger");
        Assert.Contains($"name=\"snapshotId\" value=\"{candidate}\"", page);
        var promoted = await (await policy.PostAsync("/console/challenger?handler=Promote", PromotionForm(page, candidate))).Content.ReadAsStringAsync();

        Assert.Contains($"Promoted: the champion is now <code>{candidate[..12]}</code>", promoted);
        Assert.Contains($"by {TestKeys.PolicyTeam.Name}", promoted);
        Assert.Equal(candidate, (await (await api.GetAsync("/rulesets")).ReadJson()).GetProperty("snapshot").GetString());
        Assert.DoesNotContain("id=\"promote\"", promoted);
        // The same form sent again (a second click, another tab) is refused: the challenger is already the champion.
        var again = await (await policy.PostAsync("/console/challenger?handler=Promote", PromotionForm(page, candidate))).Content.ReadAsStringAsync();
        Assert.Contains("Not promoted", again);
    }

    private static async Task<string> ApprovalVersionAsync(HttpClient api) =>
        (await (await api.GetAsync("/rulesets")).ReadJson()).GetProperty("rulesets").EnumerateArray()
            .Single(r => r.GetProperty("name").GetString() == "sme-approval").GetProperty("version").GetString()!;

    private static FormUrlEncodedContent PromotionForm(string page, string snapshotId) => new(new Dictionary<string, string>
    {
        ["snapshotId"] = snapshotId, ["__RequestVerificationToken"] = ConsoleForms.Token(page),
    });

    [Fact]
    public async Task The_portfolio_page_shows_the_book_largest_exposure_first_with_its_share()
    {
        using var client = ConsoleClient();
        await SignInAsync(client, TestKeys.PolicyTeam.Key);

        var page = await client.GetStringAsync("/console/portfolio");

        // portfolio/portfolio.json: manufacturing 3,050,000,000 of 12,600,000,000 is 24.2 %, the largest industry.
        Assert.Contains("<strong id=\"book-total\">12,600,000,000</strong>", page);
        Assert.Contains("<tr><td>manufacturing</td><td>3,050,000,000</td><td>24.2", page);
        Assert.True(page.IndexOf("<td>manufacturing</td>", StringComparison.Ordinal) < page.IndexOf("<td>wholesale-retail</td>", StringComparison.Ordinal));
        Assert.True(page.IndexOf("<td>wholesale-retail</td>", StringComparison.Ordinal) < page.IndexOf("<td>mining</td>", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_risk_and_stress_pages_show_the_book_and_the_scenario_to_their_roles_only()
    {
        using var api = _app.CreateClient();
        var book = new StringContent(File.ReadAllText(Path.Combine(RepoPaths.Samples, "loan-book.ndjson")), System.Text.Encoding.UTF8, "application/x-ndjson");
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsync("/monitor", book)).StatusCode);
        var ecl = (await (await api.GetAsync("/portfolio/risk")).ReadJson()).GetProperty("total").GetProperty("ecl").GetDecimal();
        using var policy = ConsoleClient();
        await SignInAsync(policy, TestKeys.PolicyTeam.Key);

        var page = await policy.GetStringAsync("/console/risk");
        Assert.Contains($"<strong id=\"total-ecl\">{ecl:N2}</strong>", page);
        Assert.Contains("id=\"by-classification\"", page);
        Assert.Contains("bad", await policy.GetStringAsync("/console/risk?asOf=2026-12-01&since=2026-12-01"));
        var report = await policy.GetAsync("/console/risk/report?asOf=&since=");
        Assert.Equal("text/html", report.Content.Headers.ContentType!.MediaType);
        Assert.Contains("<svg", await report.Content.ReadAsStringAsync());

        var stress = await policy.GetStringAsync("/console/stress?scenario=export-slowdown");
        Assert.Contains("Export slowdown 2027", stress);
        Assert.Contains("id=\"stage-migration\"", stress);
        Assert.Contains("no valid scenario", await policy.GetStringAsync("/console/stress?scenario=nothing-like-it"));
        Assert.Contains("<svg", await policy.GetStringAsync("/console/stress/report?scenario=export-slowdown&asOf="));

        using var auditor = ConsoleClient();
        await SignInAsync(auditor, TestKeys.Auditor.Key);
        Assert.Equal(HttpStatusCode.OK, (await auditor.GetAsync("/console/risk")).StatusCode);
        Assert.Equal("/console/denied", (await auditor.GetAsync("/console/stress")).RequestMessage!.RequestUri!.AbsolutePath);
        Assert.DoesNotContain("/console/stress", await auditor.GetStringAsync("/console"));
    }

    [Fact]
    public async Task The_api_still_answers_problems_not_sign_in_pages()
    {
        using var client = _app.CreateClient().WithKey(null);
        var response = await client.GetAsync("/decisions");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        // The console's cookie is no API credential.
        using var console = ConsoleClient();
        await SignInAsync(console, TestKeys.AllRoles.Key);
        Assert.Equal(HttpStatusCode.Unauthorized, (await console.GetAsync("/decisions")).StatusCode);
    }

    /// <summary>
    /// Serves the application on a loopback port for the browser; returns an API client of it. Browsers treat
    /// loopback as a secure context, so the console's Secure cookie is kept over plain HTTP here.
    /// </summary>
    private HttpClient StartOnLoopback()
    {
        _app.UseKestrel(0);
        _app.StartServer();
        return _app.CreateClient();
    }

    private HttpClient ConsoleClient() => ConsoleClient(_app);

    private static HttpClient ConsoleClient(CreditDecisionApplication app) =>
        app.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost"), HandleCookies = true }).WithKey(null);

    private static async Task SignInAsync(HttpClient client, string key)
    {
        var form = await client.GetStringAsync("/console/signin");
        var response = await client.PostAsync("/console/signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["key"] = key, ["__RequestVerificationToken"] = ConsoleForms.Token(form),
        }));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("/console", response.RequestMessage!.RequestUri!.AbsolutePath);
    }

}
