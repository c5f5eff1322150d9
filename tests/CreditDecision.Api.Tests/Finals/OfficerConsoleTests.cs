namespace CreditDecision.Api.Tests;

/// <summary>Credit officers in the console, through a real headless Chromium: the referral queue, the final-decision form and its refusals.</summary>
public sealed class OfficerConsoleTests : IDisposable
{
    private readonly CreditDecisionApplication _app = new();

    public void Dispose() => _app.Dispose();

    [SkippableFact]
    public async Task An_officer_finalises_a_referral_and_is_refused_above_their_authority_and_on_their_own_application()
    {
        var chromium = Requires.Chromium();
        using var api = StartOnLoopback();
        var site = api.BaseAddress!.GetLeftPart(UriPartial.Authority);
        var young = await api.DecideOk(ApplicationJson.FromSample("young-firm").With("applicationId", "OFFICER-1"));
        var secured = await api.DecideOk(ApplicationJson.FromSample("secured-trading-company").With("applicationId", "OFFICER-2"));
        var own = await api.WithKey(TestKeys.OriginatingOfficer).DecideOk(ApplicationJson.FromSample("cold-chain-equipment-loan").With("applicationId", "OFFICER-3"));

        await using (var officer = await SignedInAsync(chromium, site, TestKeys.BranchOfficer))
        {
            await officer.NavigateAsync(site + "/console/referrals");
            var queue = await officer.TextAsync("#queue");
            Assert.Contains("OFFICER-1", queue);
            Assert.Contains("OFFICER-2", queue);
            await ConsoleTests.Screenshot(officer, "referrals");

            await officer.ClickAndWaitAsync($"a[href='/console/referrals/{young.GetProperty("decisionId").GetString()}']");
            Assert.Equal("branch-officer", await officer.TextAsync("#authority"));
            Assert.Contains("REF_SHORT_TRADING_HISTORY", await officer.TextAsync("#reasons"));
            var told = await officer.TextAsync("#customer-reasons");
            Assert.Contains("The business has traded for less than two years", told);
            Assert.Contains("贵企业经营未满两年", told);
            await officer.SelectAsync("#final-outcome", "approve-with-conditions");
            await officer.CheckAsync("#condition-PERSONAL_GUARANTEE");
            await officer.FillAsync("#note", "Site visit done; order book confirmed.");
            await ConsoleTests.Screenshot(officer, "referral");
            await officer.ClickAndWaitAsync("#record-final");
            Assert.Contains("Final decision recorded: approve-with-conditions", await officer.TextAsync("#final-result"));
            Assert.Contains("PERSONAL_GUARANTEE", await officer.TextAsync("#finals"));
            await ConsoleTests.Screenshot(officer, "referral-finalised");

            await officer.NavigateAsync(site + "/console/referrals");
            Assert.DoesNotContain("OFFICER-1", await officer.TextAsync("#queue"));

            await officer.NavigateAsync(site + $"/console/referrals/{secured.GetProperty("decisionId").GetString()}");
            await officer.ClickAndWaitAsync("#record-final");
            var refused = await officer.TextAsync("#final-refused");
            Assert.Contains("branch-officer", refused);
            Assert.Contains("head-office", refused);
            await ConsoleTests.Screenshot(officer, "referral-refused-authority");
        }

        await using (var originator = await SignedInAsync(chromium, site, TestKeys.OriginatingOfficer))
        {
            await originator.NavigateAsync(site + $"/console/referrals/{own.GetProperty("decisionId").GetString()}");
            await originator.SelectAsync("#final-outcome", "decline");
            await originator.ClickAndWaitAsync("#record-final");
            Assert.Contains("separation of duties", await originator.TextAsync("#final-refused"));
        }

        await using var auditor = await SignedInAsync(chromium, site, TestKeys.Auditor);
        await auditor.NavigateAsync(site + $"/console/decisions/{young.GetProperty("decisionId").GetString()}");
        Assert.Contains(TestKeys.BranchOfficer.Name, await auditor.TextAsync("#finals"));
        await ConsoleTests.Screenshot(auditor, "decision-finals");
        await auditor.NavigateAsync(site + "/console/reports/overrides");
        Assert.Contains("Overrides of the credit engine", await auditor.TextAsync("h1"));
        await ConsoleTests.Screenshot(auditor, "overrides-report");
        Assert.Equal(4, Convert.ToInt64(await _app.Log.ScalarAsync("SELECT COUNT(*) FROM decisions"), System.Globalization.CultureInfo.InvariantCulture));
    }

    [SkippableFact]
    public async Task The_officers_pages_pass_an_axe_core_audit_for_WCAG_2_1_AA()
    {
        var chromium = Requires.Chromium();
        var axe = Requires.Axe();
        using var api = StartOnLoopback();
        var site = api.BaseAddress!.GetLeftPart(UriPartial.Authority);
        var open = (await api.DecideOk(ApplicationJson.FromSample("young-firm"))).GetProperty("decisionId").GetGuid();
        var closed = (await api.DecideOk(ApplicationJson.FromSample("large-request"))).GetProperty("decisionId").GetGuid();
        using (var final = await Finals.PostAsync(api, TestKeys.BranchOfficer, closed, new { outcome = "decline" }))
        {
            Assert.Equal(System.Net.HttpStatusCode.OK, final.StatusCode);
        }

        var violations = new List<string>();
        await using (var officer = await SignedInAsync(chromium, site, TestKeys.BranchOfficer))
        {
            foreach (var page in new[] { "/console", "/console/referrals", $"/console/referrals/{open}", $"/console/referrals/{closed}" })
            {
                await officer.NavigateAsync(site + page);
                violations.AddRange((await ConsoleTests.AuditAsync(officer, axe)).Select(v => $"{page}: {v}"));
            }
        }
        await using (var auditor = await SignedInAsync(chromium, site, TestKeys.Auditor))
        {
            foreach (var page in new[] { $"/console/decisions/{closed}", "/console/reports/overrides" })
            {
                await auditor.NavigateAsync(site + page);
                violations.AddRange((await ConsoleTests.AuditAsync(auditor, axe)).Select(v => $"{page}: {v}"));
            }
        }
        Assert.Empty(violations);
    }

    private static async Task<BrowserSession> SignedInAsync(string chromium, string site, TestKey key)
    {
        var browser = await BrowserSession.StartAsync(chromium);
        await browser.NavigateAsync(site + "/console/signin");
        await browser.FillAsync("#key", key.Key);
        await browser.ClickAndWaitAsync("main button[type=submit]");
        Assert.Equal("/console", browser.Location());
        return browser;
    }

    private HttpClient StartOnLoopback()
    {
        _app.UseKestrel(0);
        _app.StartServer();
        return _app.CreateClient();
    }
}
