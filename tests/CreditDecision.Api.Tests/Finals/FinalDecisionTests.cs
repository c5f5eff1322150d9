using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CreditDecision.Api.Tests;

/// <summary>Credit officers' final decisions through HTTP, on every store: authority, separation of duties, one final, the override policy, the chain.</summary>
public sealed class FinalDecisionTests
{
    public static TheoryData<string> Stores => TestStores.All;

    [SkippableTheory, MemberData(nameof(Stores))]
    public async Task An_officer_within_authority_finalises_a_referral_as_a_record_linked_to_the_decision(string store)
    {
        Requires.Store(store);
        using var app = new CreditDecisionApplication(RepoPaths.Rules, store);
        using var client = app.CreateClient();
        var decision = await client.DecideOk(ApplicationJson.FromSample("young-firm"));
        Assert.Equal("refer", decision.GetProperty("outcome").GetString());
        Assert.Equal("branch-officer", decision.GetProperty("authorityLevel").GetString());
        var id = decision.GetProperty("decisionId").GetGuid();
        var limit = decision.GetProperty("limit").GetProperty("approvedAmount").GetDecimal();

        using var response = await Finals.PostAsync(client, TestKeys.BranchOfficer, id, new
        {
            outcome = "approve-with-conditions", approvedAmount = limit, annualRate = 0.0455m,
            conditions = new[] { "PERSONAL_GUARANTEE", "COVENANT_FINANCIAL_REPORTING" }, note = "Site visit done; order book confirmed.",
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var final = await response.ReadJson();
        Assert.Equal(id, final.GetProperty("decisionId").GetGuid());
        Assert.Equal("approve-with-conditions", final.GetProperty("outcome").GetString());
        Assert.Equal(limit, final.GetProperty("approvedAmount").GetDecimal());
        Assert.False(final.GetProperty("overridden").GetBoolean());
        Assert.Equal("refer", final.GetProperty("engineOutcome").GetString());
        Assert.Equal("branch-officer", final.GetProperty("requiredAuthorityLevel").GetString());
        Assert.Equal(TestKeys.BranchOfficer.Name, final.GetProperty("officer").GetString());
        Assert.Equal("branch-officer", final.GetProperty("officerAuthorityLevel").GetString());

        var stored = (await client.WithKey(TestKeys.Auditor).GetFromJsonAsync<JsonObject>($"/decisions/{final.GetProperty("finalDecisionId").GetGuid()}"))!;
        Assert.Equal("final", stored["kind"]!.GetValue<string>());
        Assert.Equal(id.ToString("D"), stored["applicationId"]!.GetValue<string>());
        Assert.Equal(TestKeys.BranchOfficer.Name, stored["caller"]!.GetValue<string>());
        Assert.Equal(2, stored["position"]!.GetValue<long>());
        Assert.Equal(id.ToString("D"), stored["request"]!["decisionId"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(final.GetRawText()), stored["response"]));
        var verify = (await client.GetFromJsonAsync<JsonObject>("/audit/verify"))!;
        Assert.Equal("intact", verify["status"]!.GetValue<string>());
        Assert.Equal(2, verify["records"]!.GetValue<long>());
    }

    [SkippableTheory, MemberData(nameof(Stores))]
    public async Task An_officer_below_the_decisions_authority_is_refused_naming_both_levels(string store)
    {
        Requires.Store(store);
        using var app = new CreditDecisionApplication(RepoPaths.Rules, store);
        using var client = app.CreateClient();
        var decision = await client.DecideOk(ApplicationJson.FromSample("secured-trading-company"));
        Assert.Equal("head-office", decision.GetProperty("authorityLevel").GetString());
        var id = decision.GetProperty("decisionId").GetGuid();
        var approve = Finals.Approve(decision.GetProperty("limit").GetProperty("approvedAmount").GetDecimal());

        foreach (var officer in new[] { TestKeys.BranchOfficer, TestKeys.BranchCommittee })
        {
            using var refused = await Finals.PostAsync(client, officer, id, approve);
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            var problem = await refused.ReadJson();
            Assert.Equal(officer.AuthorityLevel, problem.GetProperty("officerAuthorityLevel").GetString());
            Assert.Equal("head-office", problem.GetProperty("requiredAuthorityLevel").GetString());
            Assert.Contains(officer.AuthorityLevel!, problem.GetProperty("detail").GetString());
            Assert.Contains("head-office", problem.GetProperty("detail").GetString());
        }
        Assert.Equal(1, await Finals.RecordCountAsync(app));

        using var accepted = await Finals.PostAsync(client, TestKeys.HeadOffice, id, approve);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
    }

    [SkippableTheory, MemberData(nameof(Stores))]
    public async Task The_key_that_originated_an_application_may_not_finalise_it(string store)
    {
        Requires.Store(store);
        using var app = new CreditDecisionApplication(RepoPaths.Rules, store);
        using var client = app.CreateClient().WithKey(TestKeys.OriginatingOfficer);
        var decision = await client.DecideOk(ApplicationJson.FromSample("young-firm"));
        var id = decision.GetProperty("decisionId").GetGuid();

        using var refused = await Finals.PostAsync(client, TestKeys.OriginatingOfficer, id, new { outcome = "decline" });
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var problem = await refused.ReadJson();
        Assert.Equal(TestKeys.OriginatingOfficer.Name, problem.GetProperty("originator").GetString());
        Assert.Contains("separation of duties", problem.GetProperty("detail").GetString());

        using var other = await Finals.PostAsync(client, TestKeys.BranchOfficer, id, new { outcome = "decline" });
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [SkippableTheory, MemberData(nameof(Stores))]
    public async Task A_second_final_is_a_conflict_and_a_correction_supersedes_the_latest_with_a_reason(string store)
    {
        Requires.Store(store);
        using var app = new CreditDecisionApplication(RepoPaths.Rules, store);
        using var client = app.CreateClient();
        var decision = await client.DecideOk(ApplicationJson.FromSample("young-firm"));
        var id = decision.GetProperty("decisionId").GetGuid();
        var limit = decision.GetProperty("limit").GetProperty("approvedAmount").GetDecimal();
        var first = await (await Finals.PostAsync(client, TestKeys.BranchOfficer, id, Finals.Approve(limit))).ReadJson();
        var firstId = first.GetProperty("finalDecisionId").GetGuid();

        using var second = await Finals.PostAsync(client, TestKeys.HeadOffice, id, new { outcome = "decline" });
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Equal(firstId, (await second.ReadJson()).GetProperty("finalDecisionId").GetGuid());

        using var noReason = await Finals.PostAsync(client, TestKeys.HeadOffice, id, new { outcome = "decline", supersedes = firstId });
        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        Assert.True((await noReason.ReadJson()).GetProperty("errors").TryGetProperty("correctionReason", out _));

        using var correction = await Finals.PostAsync(client, TestKeys.HeadOffice, id,
            new { outcome = "decline", supersedes = firstId, correctionReason = "The guarantor withdrew before signing." });
        Assert.Equal(HttpStatusCode.OK, correction.StatusCode);
        var corrected = await correction.ReadJson();
        Assert.Equal(firstId, corrected.GetProperty("supersedes").GetGuid());
        Assert.Equal("The guarantor withdrew before signing.", corrected.GetProperty("correctionReason").GetString());

        using var stale = await Finals.PostAsync(client, TestKeys.HeadOffice, id,
            new { outcome = "approve", approvedAmount = limit, annualRate = 0.05m, supersedes = firstId, correctionReason = "again" });
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Equal(corrected.GetProperty("finalDecisionId").GetGuid(), (await stale.ReadJson()).GetProperty("finalDecisionId").GetGuid());
        Assert.Equal(3, await Finals.RecordCountAsync(app));
    }

    [SkippableTheory, MemberData(nameof(Stores))]
    public async Task Approving_a_knock_out_needs_an_override_reason_the_rules_allow_for_it_and_its_minimum_level(string store)
    {
        Requires.Store(store);
        using var app = new CreditDecisionApplication(RepoPaths.Rules, store);
        using var client = app.CreateClient();
        var decision = await client.DecideOk(ApplicationJson.FromSample("tax-arrears"));
        Assert.Equal("decline", decision.GetProperty("outcome").GetString());
        Assert.Equal("KO_TAX_ARREARS", Assert.Single(decision.GetProperty("reasons").EnumerateArray(), r => r.GetProperty("effect").GetString() == "decline").GetProperty("code").GetString());
        var id = decision.GetProperty("decisionId").GetGuid();
        var amount = 500_000m;

        using var noReason = await Finals.PostAsync(client, TestKeys.HeadOffice, id, Finals.Approve(amount));
        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        Assert.Contains("where the engine's outcome was decline", (await noReason.ReadJson()).GetProperty("errors").GetProperty("overrideReason")[0].GetString());

        using var wrongReason = await Finals.PostAsync(client, TestKeys.HeadOffice, id, Finals.Approve(amount, "OVR_ADDITIONAL_SECURITY"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, wrongReason.StatusCode);
        var policy = await wrongReason.ReadJson();
        Assert.Equal(["KO_TAX_ARREARS"], policy.GetProperty("knockOuts").EnumerateArray().Select(k => k.GetString()));

        using var belowReasonLevel = await Finals.PostAsync(client, TestKeys.BranchOfficer, id, Finals.Approve(amount, "OVR_VERIFIED_NEW_INFORMATION"));
        Assert.Equal(HttpStatusCode.Forbidden, belowReasonLevel.StatusCode);
        Assert.Equal("branch-committee", (await belowReasonLevel.ReadJson()).GetProperty("requiredAuthorityLevel").GetString());
        Assert.Equal(1, await Finals.RecordCountAsync(app));

        using var allowed = await Finals.PostAsync(client, TestKeys.BranchCommittee, id, Finals.Approve(amount, "OVR_VERIFIED_NEW_INFORMATION"));
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        var final = await allowed.ReadJson();
        Assert.True(final.GetProperty("overridden").GetBoolean());
        Assert.Equal(["KO_TAX_ARREARS"], final.GetProperty("knockOuts").EnumerateArray().Select(k => k.GetString()));
        Assert.Equal("branch-committee", final.GetProperty("requiredAuthorityLevel").GetString());
    }

    [SkippableTheory, MemberData(nameof(Stores))]
    public async Task An_amount_above_the_engines_limit_needs_a_limit_override_reason(string store)
    {
        Requires.Store(store);
        using var app = new CreditDecisionApplication(RepoPaths.Rules, store);
        using var client = app.CreateClient();
        var decision = await client.DecideOk(ApplicationJson.FromSample("large-request"));
        Assert.Equal("refer", decision.GetProperty("outcome").GetString());
        var id = decision.GetProperty("decisionId").GetGuid();
        var limit = decision.GetProperty("limit").GetProperty("approvedAmount").GetDecimal();
        var requested = decision.GetProperty("limit").GetProperty("requestedAmount").GetDecimal();
        Assert.True(requested > limit);

        using var noReason = await Finals.PostAsync(client, TestKeys.HeadOffice, id, Finals.Approve(requested));
        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        Assert.Contains("above the engine's limit", (await noReason.ReadJson()).GetProperty("errors").GetProperty("overrideReason")[0].GetString());

        using var notForLimits = await Finals.PostAsync(client, TestKeys.HeadOffice, id, Finals.Approve(requested, "OVR_CREDIT_CONCERN"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, notForLimits.StatusCode);
        var problem = await notForLimits.ReadJson();
        Assert.Equal(limit, problem.GetProperty("engineLimit").GetDecimal());
        Assert.Contains("OVR_ADDITIONAL_SECURITY", problem.GetProperty("detail").GetString());

        using var reasonWithoutOverride = await Finals.PostAsync(client, TestKeys.HeadOffice, id, Finals.Approve(limit, "OVR_ADDITIONAL_SECURITY"));
        Assert.Equal(HttpStatusCode.BadRequest, reasonWithoutOverride.StatusCode);
        Assert.Equal(1, await Finals.RecordCountAsync(app));

        using var accepted = await Finals.PostAsync(client, TestKeys.BranchOfficer, id, Finals.Approve(requested, "OVR_ADDITIONAL_SECURITY"));
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        var final = await accepted.ReadJson();
        Assert.True(final.GetProperty("overridden").GetBoolean());
        Assert.Equal(limit, final.GetProperty("engineApprovedAmount").GetDecimal());
    }

    [Fact]
    public async Task Conditions_and_override_reasons_are_codes_the_rules_list()
    {
        using var app = new CreditDecisionApplication();
        using var client = app.CreateClient();
        var decision = await client.DecideOk(ApplicationJson.FromSample("young-firm"));
        var id = decision.GetProperty("decisionId").GetGuid();

        using var unknown = await Finals.PostAsync(client, TestKeys.BranchOfficer, id, new
        {
            outcome = "approve-with-conditions", approvedAmount = 100_000m, annualRate = 0.05m,
            conditions = new[] { "PERSONAL_GUARANTEE", "GOLDEN_HANDSHAKE" }, overrideReason = "OVR_FRIENDSHIP",
        });
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        var errors = (await unknown.ReadJson()).GetProperty("errors");
        Assert.Contains("GOLDEN_HANDSHAKE", errors.GetProperty("conditions[1]")[0].GetString());
        Assert.Contains("OVR_FRIENDSHIP", errors.GetProperty("overrideReason")[0].GetString());

        using var none = await Finals.PostAsync(client, TestKeys.BranchOfficer, id, new { outcome = "approve-with-conditions", approvedAmount = 100_000m, annualRate = 0.05m });
        Assert.Equal(HttpStatusCode.BadRequest, none.StatusCode);
        Assert.True((await none.ReadJson()).GetProperty("errors").TryGetProperty("conditions", out _));

        using var missing = await Finals.PostAsync(client, TestKeys.BranchOfficer, id, new { outcome = "approve" });
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        var missingErrors = (await missing.ReadJson()).GetProperty("errors");
        Assert.True(missingErrors.TryGetProperty("approvedAmount", out _));
        Assert.True(missingErrors.TryGetProperty("annualRate", out _));

        using var nowhere = await Finals.PostAsync(client, TestKeys.BranchOfficer, Guid.NewGuid(), new { outcome = "decline" });
        Assert.Equal(HttpStatusCode.NotFound, nowhere.StatusCode);
        Assert.Equal(1, await Finals.RecordCountAsync(app));
    }

    [SkippableTheory, MemberData(nameof(Stores))]
    public async Task Verify_names_a_final_decision_changed_in_the_database(string store)
    {
        Requires.Store(store);
        using var app = new CreditDecisionApplication(RepoPaths.Rules, store);
        using var client = app.CreateClient();
        var decision = await client.DecideOk(ApplicationJson.FromSample("young-firm"));
        var final = await (await Finals.PostAsync(client, TestKeys.BranchOfficer, decision.GetProperty("decisionId").GetGuid(), new { outcome = "decline" })).ReadJson();
        await client.DecideOk(ApplicationJson.FromSample("healthy-manufacturer"));

        var changed = await app.Log.ExecuteAsync("UPDATE decisions SET outcome = 'approve' WHERE kind = 'final'");
        Assert.Equal(1, changed);

        var verify = (await client.GetFromJsonAsync<JsonObject>("/audit/verify"))!;
        Assert.Equal("broken", verify["status"]!.GetValue<string>());
        Assert.Equal(2, verify["firstBroken"]!["position"]!.GetValue<long>());
        Assert.Equal(final.GetProperty("finalDecisionId").GetString(), verify["firstBroken"]!["decisionId"]!.GetValue<string>());
        Assert.Contains("content does not match its hash", verify["firstBroken"]!["reason"]!.GetValue<string>());
    }
}

/// <summary>Final decisions sent as a given credit officer.</summary>
public static class Finals
{
    public static async Task<HttpResponseMessage> PostAsync(HttpClient client, TestKey officer, Guid decisionId, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/decisions/{decisionId}/final") { Content = JsonContent.Create(body) };
        request.Headers.Add(TestKeys.Header, officer.Key);
        return await client.SendAsync(request);
    }

    /// <summary>Records a final decision that must be accepted, and returns it.</summary>
    public static async Task<JsonElement> OkAsync(HttpClient client, TestKey officer, Guid decisionId, object body)
    {
        using var response = await PostAsync(client, officer, decisionId, body);
        var final = await response.ReadJson();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {final}");
        return final;
    }

    public static async Task<JsonObject> ReplayAsync(HttpClient client, Guid recordId, string query = "")
    {
        using var response = await client.PostAsync($"/decisions/{recordId}/replay{query}", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }

    /// <summary>Why the replay of a final decision refused it: the replayed side has only <c>refused</c>.</summary>
    public static string RefusedOnReplay(JsonObject replay) =>
        replay["differences"]!.AsArray().Single(d => d!["path"]!.GetValue<string>() == "$.refused")!["after"]!.GetValue<string>();

    public static object Approve(decimal amount, string? overrideReason = null) =>
        new { outcome = "approve", approvedAmount = amount, annualRate = 0.05m, overrideReason };

    /// <summary>Records in the log, counted in the database itself.</summary>
    public static async Task<long> RecordCountAsync(CreditDecisionApplication app) =>
        Convert.ToInt64(await app.Log.ScalarAsync("SELECT COUNT(*) FROM decisions"), System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>Final decisions read back: on the decision, in search and export, and replayed against their link and authority.</summary>
public sealed class FinalDecisionReadingTests
{
    public static TheoryData<string> Stores => TestStores.All;

    [SkippableTheory, MemberData(nameof(Stores))]
    public async Task A_decision_shows_its_finals_search_filters_by_the_latest_and_export_carries_each(string store)
    {
        Requires.Store(store);
        using var app = new CreditDecisionApplication(RepoPaths.Rules, store);
        using var client = app.CreateClient();
        var corrected = await client.DecideOk(ApplicationJson.FromSample("young-firm"));
        var raised = await client.DecideOk(ApplicationJson.FromSample("large-request"));
        var open = await client.DecideOk(ApplicationJson.FromSample("cold-chain-equipment-loan"));
        var (correctedId, raisedId) = (corrected.GetProperty("decisionId").GetGuid(), raised.GetProperty("decisionId").GetGuid());

        var first = await Finals.OkAsync(client, TestKeys.BranchOfficer, correctedId, Finals.Approve(corrected.GetProperty("limit").GetProperty("approvedAmount").GetDecimal()));
        var second = await Finals.OkAsync(client, TestKeys.HeadOffice, correctedId,
            new { outcome = "decline", supersedes = first.GetProperty("finalDecisionId").GetGuid(), correctionReason = "The guarantor withdrew." });
        var above = await Finals.OkAsync(client, TestKeys.HeadOffice, raisedId,
            Finals.Approve(raised.GetProperty("limit").GetProperty("requestedAmount").GetDecimal(), "OVR_ADDITIONAL_SECURITY"));

        var auditor = app.CreateClient().WithKey(TestKeys.Auditor);
        var stored = (await auditor.GetFromJsonAsync<JsonObject>($"/decisions/{correctedId}"))!;
        var finals = stored["finals"]!.AsArray();
        Assert.Equal([first.GetProperty("finalDecisionId").GetString(), second.GetProperty("finalDecisionId").GetString()],
            finals.Select(f => f!["finalDecisionId"]!.GetValue<string>()));
        Assert.Equal("decline", finals[1]!["outcome"]!.GetValue<string>());
        Assert.Empty((await auditor.GetFromJsonAsync<JsonObject>($"/decisions/{open.GetProperty("decisionId").GetGuid()}"))!["finals"]!.AsArray());
        Assert.Null((await auditor.GetFromJsonAsync<JsonObject>($"/decisions/{above.GetProperty("finalDecisionId").GetGuid()}"))!["finals"]);

        async Task<string[]> Found(string query) =>
            [.. (await auditor.GetFromJsonAsync<JsonObject>($"/decisions?{query}"))!["items"]!.AsArray().Select(i => i!["decisionId"]!.GetValue<string>())];
        Assert.Equal([correctedId.ToString()], await Found("finalOutcome=decline"));
        Assert.Equal([raisedId.ToString()], await Found("finalOutcome=approve"));
        Assert.Equal([raisedId.ToString()], await Found("overridden=true"));
        Assert.Equal([correctedId.ToString()], await Found("overridden=false"));
        Assert.Equal([raisedId.ToString(), correctedId.ToString()], await Found($"officer={TestKeys.HeadOffice.Name}"));
        Assert.Empty(await Found($"officer={TestKeys.BranchOfficer.Name}"));
        Assert.Equal(3, (await Found("kind=final")).Length);
        using (var invalid = await auditor.GetAsync("/decisions?finalOutcome=maybe"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        }

        var lines = (await auditor.GetStringAsync("/decisions/export")).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.Equal(6, lines.Count);
        var exported = lines.Where(l => l["kind"]!.GetValue<string>() == "final").ToList();
        Assert.Equal([correctedId.ToString(), correctedId.ToString(), raisedId.ToString()], exported.Select(l => l["response"]!["decisionId"]!.GetValue<string>()));
        Assert.All(exported, l => Assert.Equal(l["applicationId"]!.GetValue<string>(), l["response"]!["decisionId"]!.GetValue<string>()));
    }

    [SkippableTheory, MemberData(nameof(Stores))]
    public async Task Replay_of_a_final_checks_its_link_and_the_officers_recorded_authority(string store)
    {
        Requires.Store(store);
        using var app = new CreditDecisionApplication(RepoPaths.Rules, store);
        using var client = app.CreateClient();
        var decision = await client.DecideOk(ApplicationJson.FromSample("secured-trading-company"));
        var id = decision.GetProperty("decisionId").GetGuid();
        var final = await Finals.OkAsync(client, TestKeys.HeadOffice, id, Finals.Approve(decision.GetProperty("limit").GetProperty("approvedAmount").GetDecimal()));
        var finalId = final.GetProperty("finalDecisionId").GetGuid();
        var later = await client.DecideOk(ApplicationJson.FromSample("young-firm"));

        var auditor = app.CreateClient().WithKey(TestKeys.Auditor);
        var engine = await Finals.ReplayAsync(auditor, id);
        Assert.True(engine["identical"]!.GetValue<bool>(), engine["differences"]!.ToJsonString());
        var replay = await Finals.ReplayAsync(auditor, finalId);
        Assert.True(replay["identical"]!.GetValue<bool>(), replay["differences"]!.ToJsonString());
        Assert.Equal("approve", replay["replayedOutcome"]!.GetValue<string>());

        await app.Log.ExecuteAsync("UPDATE decisions SET response_json = REPLACE(response_json, '\"officerAuthorityLevel\":\"head-office\"', '\"officerAuthorityLevel\":\"branch-committee\"') WHERE kind = 'final'");
        var belowAuthority = await Finals.ReplayAsync(auditor, finalId);
        Assert.False(belowAuthority["identical"]!.GetValue<bool>());
        Assert.Equal("refused", belowAuthority["replayedOutcome"]!.GetValue<string>());
        var why = Finals.RefusedOnReplay(belowAuthority);
        Assert.Contains("branch-committee", why);
        Assert.Contains("head-office", why);

        await app.Log.ExecuteAsync($"UPDATE decisions SET request_json = REPLACE(request_json, '{id}', '{later.GetProperty("decisionId").GetGuid()}') WHERE kind = 'final'");
        var unlinked = await Finals.ReplayAsync(auditor, finalId);
        Assert.Equal("refused", unlinked["replayedOutcome"]!.GetValue<string>());
        Assert.Contains("link is broken", Finals.RefusedOnReplay(unlinked));
    }
}

/// <summary>The referral queue: referred decisions no final decision has closed, oldest first.</summary>
public sealed class ReferralQueueTests
{
    public static TheoryData<string> Stores => TestStores.All;

    [SkippableTheory, MemberData(nameof(Stores))]
    public async Task The_queue_lists_open_referrals_oldest_first_with_their_reasons_and_authority(string store)
    {
        Requires.Store(store);
        using var app = new CreditDecisionApplication(RepoPaths.Rules, store);
        using var client = app.CreateClient();
        var decided = new Dictionary<string, JsonElement>();
        foreach (var sample in new[] { "young-firm", "healthy-manufacturer", "secured-trading-company", "tax-arrears", "cold-chain-equipment-loan", "large-request" })
        {
            decided[sample] = await client.DecideOk(ApplicationJson.FromSample(sample));
        }
        string Id(string sample) => decided[sample].GetProperty("decisionId").GetString()!;
        await Finals.OkAsync(client, TestKeys.BranchOfficer, Guid.Parse(Id("cold-chain-equipment-loan")), new { outcome = "decline" });

        var officer = app.CreateClient().WithKey(TestKeys.BranchOfficer);
        async Task<JsonArray> Queue(string query = "") => (await officer.GetFromJsonAsync<JsonObject>($"/referrals{query}"))!["items"]!.AsArray();

        var open = await Queue();
        Assert.Equal([Id("young-firm"), Id("secured-trading-company"), Id("large-request")], open.Select(i => i!["decisionId"]!.GetValue<string>()));
        var young = open[0]!;
        Assert.Equal("branch-officer", young["authorityLevel"]!.GetValue<string>());
        Assert.Contains(young["reasons"]!.AsArray(), r => r!["code"]!.GetValue<string>() == "REF_SHORT_TRADING_HISTORY");
        Assert.Equal(TestKeys.AllRoles.Name, young["originator"]!.GetValue<string>());
        Assert.Equal(decided["young-firm"].GetProperty("limit").GetProperty("approvedAmount").GetDecimal(), young["approvedAmount"]!.GetValue<decimal>());

        Assert.Equal([Id("secured-trading-company")], (await Queue("?authorityLevel=head-office")).Select(i => i!["decisionId"]!.GetValue<string>()));
        Assert.Equal([Id("cold-chain-equipment-loan")], (await Queue("?status=finalised")).Select(i => i!["decisionId"]!.GetValue<string>()));
        Assert.Empty(await Queue("?olderThan=P1D"));
        Assert.Equal(3, (await Queue("?olderThan=PT0S")).Count);
        var firstPage = (await officer.GetFromJsonAsync<JsonObject>("/referrals?pageSize=2"))!;
        Assert.True(firstPage["hasMore"]!.GetValue<bool>());
        Assert.Equal([Id("large-request")], (await Queue("?pageSize=2&page=2")).Select(i => i!["decisionId"]!.GetValue<string>()));

        var referred = Convert.ToInt64(await app.Log.ScalarAsync("SELECT COUNT(*) FROM decisions WHERE kind = 'decision' AND outcome = 'refer'"), System.Globalization.CultureInfo.InvariantCulture);
        var closed = Convert.ToInt64(await app.Log.ScalarAsync("SELECT COUNT(DISTINCT application_id) FROM decisions WHERE kind = 'final'"), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(referred - closed, open.Count);

        using var auditor = await app.CreateClient().WithKey(TestKeys.Auditor).GetAsync("/referrals");
        Assert.Equal(HttpStatusCode.OK, auditor.StatusCode);
        using var lender = await app.CreateClient().WithKey(TestKeys.Lender).GetAsync("/referrals");
        Assert.Equal(HttpStatusCode.Forbidden, lender.StatusCode);
        using var bad = await officer.GetAsync("/referrals?olderThan=3days&status=closed");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var errors = (await bad.ReadJson()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("olderThan", out _));
        Assert.True(errors.TryGetProperty("status", out _));
    }
}

/// <summary>The override report, its counts checked against the finals the test itself recorded.</summary>
public sealed class OverrideReportTests
{
    public static TheoryData<string> Stores => TestStores.All;

    [SkippableTheory, MemberData(nameof(Stores))]
    public async Task The_report_counts_the_latest_finals_by_reason_grade_level_and_officer_and_lists_knock_out_approvals_and_old_referrals(string store)
    {
        Requires.Store(store);
        using var app = new CreditDecisionApplication(RepoPaths.Rules, store) { Settings = new Dictionary<string, string> { ["FinalDecisions:OpenReferralDays"] = "3" } };
        using var client = app.CreateClient();
        var decided = new Dictionary<string, JsonElement>();
        foreach (var sample in new[] { "young-firm", "tax-arrears", "healthy-manufacturer", "large-request", "cold-chain-equipment-loan", "secured-trading-company" })
        {
            decided[sample] = await client.DecideOk(ApplicationJson.FromSample(sample));
        }
        Guid Id(string sample) => decided[sample].GetProperty("decisionId").GetGuid();
        decimal Limit(string sample) => decided[sample].GetProperty("limit").GetProperty("approvedAmount").GetDecimal();

        var latest = new Dictionary<string, JsonElement>
        {
            ["young-firm"] = await Finals.OkAsync(client, TestKeys.BranchOfficer, Id("young-firm"), Finals.Approve(Limit("young-firm"))),
            ["tax-arrears"] = await Finals.OkAsync(client, TestKeys.BranchCommittee, Id("tax-arrears"), Finals.Approve(200_000m, "OVR_VERIFIED_NEW_INFORMATION")),
            ["healthy-manufacturer"] = await Finals.OkAsync(client, TestKeys.BranchOfficer, Id("healthy-manufacturer"), new { outcome = "decline", overrideReason = "OVR_CREDIT_CONCERN" }),
        };
        var superseded = await Finals.OkAsync(client, TestKeys.HeadOffice, Id("large-request"), Finals.Approve(Limit("large-request")));
        latest["large-request"] = await Finals.OkAsync(client, TestKeys.HeadOffice, Id("large-request"), new
        {
            outcome = "approve", approvedAmount = decided["large-request"].GetProperty("limit").GetProperty("requestedAmount").GetDecimal(), annualRate = 0.05m,
            overrideReason = "OVR_ADDITIONAL_SECURITY", supersedes = superseded.GetProperty("finalDecisionId").GetGuid(), correctionReason = "A mortgage on the warehouse is now offered.",
        });
        await app.Log.ExecuteAsync($"UPDATE decisions SET decided_at_ms = decided_at_ms - {10L * 86_400_000} WHERE decision_id = '{Id("cold-chain-equipment-loan")}'");

        var report = (await app.CreateClient().WithKey(TestKeys.PolicyTeam).GetFromJsonAsync<JsonObject>("/reports/overrides"))!;
        var overridden = latest.Where(f => f.Value.GetProperty("overridden").GetBoolean()).ToList();
        Assert.Equal(latest.Count, report["finals"]!.GetValue<long>());
        Assert.Equal(overridden.Count, report["overrides"]!.GetValue<long>());
        Assert.Equal(decimal.Round((decimal)overridden.Count / latest.Count, 4), report["overrideRate"]!.GetValue<decimal>());

        void AssertGroups(string name, Func<KeyValuePair<string, JsonElement>, string> key)
        {
            var expected = latest.GroupBy(key).OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => (g.Key, (long)g.Count(), (long)g.Count(f => f.Value.GetProperty("overridden").GetBoolean()))).ToList();
            var actual = report[name]!.AsArray().Select(g => (g!["key"]!.GetValue<string>(), g["finals"]!.GetValue<long>(), g["overrides"]!.GetValue<long>())).ToList();
            Assert.Equal(expected, actual);
        }
        AssertGroups("byGrade", f => decided[f.Key].GetProperty("rating").GetProperty("grade").GetString()!);
        AssertGroups("byAuthorityLevel", f => f.Value.GetProperty("requiredAuthorityLevel").GetString()!);
        AssertGroups("byOfficer", f => f.Value.GetProperty("officer").GetString()!);
        Assert.Equal(
            overridden.GroupBy(f => f.Value.GetProperty("overrideReason").GetString()!).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => (g.Key, (long)g.Count())),
            report["byReason"]!.AsArray().Select(g => (g!["key"]!.GetValue<string>(), g["overrides"]!.GetValue<long>())));

        var knockOut = Assert.Single(report["knockOutApprovals"]!.AsArray())!;
        Assert.Equal(latest["tax-arrears"].GetProperty("finalDecisionId").GetString(), knockOut["finalDecisionId"]!.GetValue<string>());
        Assert.Equal(3, report["openReferralDays"]!.GetValue<int>());
        Assert.Equal(1, report["openReferralCount"]!.GetValue<long>());
        Assert.Equal(Id("cold-chain-equipment-loan").ToString(), Assert.Single(report["openReferrals"]!.AsArray())!["decisionId"]!.GetValue<string>());

        var auditor = app.CreateClient().WithKey(TestKeys.Auditor);
        using var html = await auditor.GetAsync("/reports/overrides?format=html");
        Assert.Equal("text/html", html.Content.Headers.ContentType?.MediaType);
        var page = await html.Content.ReadAsStringAsync();
        Assert.Contains("<svg", page);
        Assert.Contains("OVR_VERIFIED_NEW_INFORMATION", page);
        var none = (await auditor.GetFromJsonAsync<JsonObject>("/reports/overrides?from=2000-01-01&to=2000-01-02"))!;
        Assert.Equal(0, none["finals"]!.GetValue<long>());
        using var officer = await app.CreateClient().WithKey(TestKeys.BranchOfficer).GetAsync("/reports/overrides");
        Assert.Equal(HttpStatusCode.Forbidden, officer.StatusCode);
    }
}
