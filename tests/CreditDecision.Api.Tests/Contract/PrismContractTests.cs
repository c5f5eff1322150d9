using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace CreditDecision.Api.Tests;

/// <summary>
/// A third-party validator in front of the running service: Stoplight Prism as a validating proxy with errors on,
/// driven through every operation of the committed document with valid and invalid requests, for every documented
/// status and media type. A response Prism finds in breach of the document fails the test, and so does a status
/// or media type the document lists that no request here provoked (unless named in <see cref="NotDriven"/> with
/// the reason). Requests the document itself refuses (a negative amount, a missing key, a wrong media type) must be
/// refused by Prism: the document is as strict as the service.
/// </summary>
public sealed partial class PrismContractTests : IDisposable
{
    /// <summary>Documented outcomes no request here provokes, and why.</summary>
    private static readonly Dictionary<string, string> NotDriven = new()
    {
        ["POST /decide 500 application/problem+json"] = "a rule that fails while evaluating: the compiler refuses every expression that could, so none can be loaded on purpose",
        ["GET /health/live 503 application/json"] = "liveness runs no check: it answers 200 while the process does",
        ["POST /decide 413 application/problem+json"] =
            "Prism parses and re-serializes a JSON body before forwarding it, and no application the schema accepts is 256 KB as JSON " +
            "(DecideValidationTests sends one over Kestrel, and its 413 problem is checked against the document there)",
        ["POST /decisions/{decisionId}/final 413 application/problem+json"] =
            "the document bounds every member of a final decision (texts, up to 20 conditions), so no body it accepts reaches the 16 KB limit",
        ["POST /drafts/{draftId}/backtests 422 application/json"] =
            "a draft rule that fails on a logged decision: every save compiles the draft and runs its cases, and the compiler refuses every expression that could fail",
        ["POST /monitor 413 application/problem+json"] =
            "the document caps a JSON array at 1,000 loans (maxItems, refused by Prism below), far under the 4 MB limit that sends the 413",
        ["POST /outcomes 413 application/problem+json"] =
            "no outcome the document accepts comes near the 16 KB limit (its fields are bounded and no others are allowed)",
    };

    private readonly TempDirectory _rules = RepoPaths.CopyOfRules();
    private readonly TempDirectory _challenger = OwnerScoreHistory.ChallengerFolder();
    private readonly TempDirectory _brokenRules = RepoPaths.CopyOfRules();
    private readonly List<IDisposable> _owned = [];
    private readonly List<string> _failures = [];
    private readonly HashSet<string> _covered = [];
    private readonly ServiceContract _contract = ServiceContract.Committed;

    public void Dispose()
    {
        foreach (var owned in Enumerable.Reverse(_owned)) owned.Dispose();
        _rules.Dispose();
        _challenger.Dispose();
        _brokenRules.Dispose();
    }

    [SkippableFact]
    public async Task Every_operation_and_documented_status_passes_Prism_validating_against_the_document()
    {
        var prism = Requires.Prism();
        var service = await ThroughPrismAsync(prism, new CreditDecisionApplication(_rules.Path) { ChallengerDirectory = _challenger.Path });
        await DriveEveryOperationAsync(service);

        var limited = await ThroughPrismAsync(prism, new CreditDecisionApplication(_rules.Path)
        {
            ChallengerDirectory = _challenger.Path,
            Settings = new Dictionary<string, string> { ["RateLimiting:ApiRequestsPerWindow"] = "1", ["RateLimiting:ApiRequestWindowSeconds"] = "86400" },
        });
        await DriveOverTheRateLimitAsync(limited);

        File.WriteAllText(Path.Combine(_brokenRules.Path, "approval.json"), "{ not json");
        var broken = await ThroughPrismAsync(prism, new CreditDecisionApplication(_brokenRules.Path));
        await DriveWithoutValidRulesAsync(broken);

        var documented = _contract.Operations
            .SelectMany(op => op.Operation.GetProperty("responses").EnumerateObject().SelectMany(response =>
                response.Value.TryGetProperty("content", out var content)
                    ? content.EnumerateObject().Select(media => $"{op.Method} {op.Path} {response.Name} {media.Name}")
                    : [$"{op.Method} {op.Path} {response.Name} (none)"]))
            .ToList();
        foreach (var outcome in documented.Where(o => !_covered.Contains(o) && !NotDriven.ContainsKey(o)))
        {
            _failures.Add($"not driven: {outcome}");
        }
        Assert.True(_failures.Count == 0, $"{_failures.Count} problem(s):\n{string.Join("\n", _failures)}");
    }

    private sealed record Through(HttpClient Client, PrismProxy Prism);

    /// <summary>Serves the application on loopback and puts Prism in front of it.</summary>
    private async Task<Through> ThroughPrismAsync(string prism, CreditDecisionApplication app)
    {
        _owned.Add(app);
        app.UseKestrel(0);
        app.StartServer();
        var upstream = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        var proxy = await PrismProxy.StartAsync(prism, RepoPaths.OpenApiDocument, upstream);
        _owned.Add(proxy);
        var client = new HttpClient { BaseAddress = proxy.Address, Timeout = TimeSpan.FromSeconds(60) };
        _owned.Add(client);
        return new Through(client, proxy);
    }

    private async Task DriveEveryOperationAsync(Through s)
    {
        var healthy = ApplicationJson.FromSample("healthy-manufacturer");
        var book = await File.ReadAllTextAsync(Path.Combine(RepoPaths.Samples, "loan-book.ndjson"));
        var loans = "[" + string.Join(",", book.Split('\n', StringSplitOptions.RemoveEmptyEntries)) + "]";

        // Decisions
        var decided = await Exchange(s, HttpMethod.Post, "/decide", 200, body: healthy.ToString(), headers: new() { ["Idempotency-Key"] = "prism-1" });
        var decisionId = decided.GetProperty("decisionId").GetString()!;
        await Exchange(s, HttpMethod.Post, "/decide", 409, body: ApplicationJson.FromSample("young-firm").ToString(), headers: new() { ["Idempotency-Key"] = "prism-1" });
        await Exchange(s, HttpMethod.Post, "/decide", 400, body: ApplicationJson.FromSample("healthy-manufacturer").With("applicationId", "   ").ToString());
        await Refused(s, HttpMethod.Post, "/decide", ApplicationJson.FromSample("healthy-manufacturer").With("request.amount", -5).ToString(), "request.amount");
        await Refused(s, HttpMethod.Post, "/decide", ApplicationJson.FromSample("healthy-manufacturer").With("request.amount", null).ToString(), "request.amount");
        await Refused(s, HttpMethod.Post, "/decide", ApplicationJson.FromSample("healthy-manufacturer").With("applicant.industry", "banking").ToString(), "applicant.industry");
        await Refused(s, HttpMethod.Post, "/decide", ApplicationJson.FromSample("healthy-manufacturer").With("applicant.creditScore", 950).ToString(), "applicant.creditScore");
        await Refused(s, HttpMethod.Post, "/decide", ApplicationJson.FromSample("healthy-manufacturer").With("anualRevenue", 1).ToString(), "anualRevenue");
        await Refused(s, HttpMethod.Post, "/decide", "hello", "415", contentType: "text/plain", status: 415);

        // Monitoring: JSON array and NDJSON
        await Exchange(s, HttpMethod.Post, "/monitor", 200, body: loans);
        await Exchange(s, HttpMethod.Post, "/monitor", 200, body: book, contentType: "application/x-ndjson");
        await Exchange(s, HttpMethod.Post, "/monitor", 200, body: book.Replace("\"currentGrade\":\"BBB\"", "\"currentGrade\":\"XYZ\"", StringComparison.Ordinal), contentType: "application/x-ndjson");
        await Exchange(s, HttpMethod.Post, "/monitor", 400, body: "[]");
        await Refused(s, HttpMethod.Post, "/monitor", "[" + string.Join(",", Enumerable.Repeat(loans[1..^1], 200)) + "]", "1000");
        await Refused(s, HttpMethod.Post, "/monitor", loans.Replace("\"daysPastDue\":0", "\"daysPastDue\":-1", StringComparison.Ordinal), "daysPastDue");
        await Refused(s, HttpMethod.Post, "/monitor", "hello", "415", contentType: "text/plain", status: 415);

        // Outcomes: one, and a stream
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var outcome = JsonSerializer.Serialize(new { decisionId, @event = "default", date = today });
        await Exchange(s, HttpMethod.Post, "/outcomes", 200, body: outcome);
        await Exchange(s, HttpMethod.Post, "/outcomes", 200, body: outcome + "\n{ not json\n", contentType: "application/x-ndjson");
        await Exchange(s, HttpMethod.Post, "/outcomes", 400, body: JsonSerializer.Serialize(new { decisionId = Guid.NewGuid(), @event = "default", date = today }));
        await Refused(s, HttpMethod.Post, "/outcomes", JsonSerializer.Serialize(new { decisionId, @event = "bankrupt", date = today }), "event");
        await Refused(s, HttpMethod.Post, "/outcomes", "hello", "415", contentType: "text/plain", status: 415);
        await Exchange(s, HttpMethod.Get, "/models/sme-rating/performance?horizonMonths=0", 200);
        await Exchange(s, HttpMethod.Get, "/models/sme-rating/performance?horizonMonths=0&format=html", 200);
        await Exchange(s, HttpMethod.Get, "/models/sme-rating/performance?horizonMonths=99", 400);
        await Exchange(s, HttpMethod.Get, "/models/sme-pricing/performance", 404);

        // Rules
        var active = await Exchange(s, HttpMethod.Get, "/rulesets", 200);
        var snapshotId = active.GetProperty("snapshot").GetString()!;
        var approval = active.GetProperty("rulesets").EnumerateArray().First(r => r.GetProperty("stage").GetString() == "approval");
        var approvalName = approval.GetProperty("name").GetString()!;
        await Exchange(s, HttpMethod.Get, "/rulesets/status", 200);
        await Exchange(s, HttpMethod.Get, $"/rulesets/{approvalName}/versions/{approval.GetProperty("version").GetString()}", 200);
        await Exchange(s, HttpMethod.Get, $"/rulesets/{approvalName}/versions/0000", 404);
        await Exchange(s, HttpMethod.Get, $"/rulesets/{approvalName}/stats?from=2000-01-01", 200);
        await Exchange(s, HttpMethod.Get, $"/rulesets/{approvalName}/stats?from=yesterday", 400);
        await Exchange(s, HttpMethod.Post, "/rulesets/reload", 200);
        var approvalFile = Path.Combine(_rules.Path, "approval.json");
        var good = await File.ReadAllTextAsync(approvalFile);
        await File.WriteAllTextAsync(approvalFile, "{ not json");
        await Exchange(s, HttpMethod.Post, "/rulesets/reload", 422);
        await File.WriteAllTextAsync(approvalFile, good);
        await Exchange(s, HttpMethod.Post, "/rulesets/reload", 200);

        // Portfolio
        var portfolio = await File.ReadAllTextAsync(RepoPaths.PortfolioFile);
        await Exchange(s, HttpMethod.Get, "/portfolio", 200);
        await Exchange(s, HttpMethod.Put, "/portfolio", 200, body: portfolio);
        var overTotal = JsonNode.Parse(portfolio)!;
        overTotal["total"] = 1;
        await Exchange(s, HttpMethod.Put, "/portfolio", 400, body: overTotal.ToJsonString());
        var oversize = JsonNode.Parse(portfolio)!;
        oversize["byGroup"] = new JsonObject(Enumerable.Range(0, 20_000).Select(i => KeyValuePair.Create($"group-{i:D6}-{new string('g', 40)}", (JsonNode?)0)));
        await Exchange(s, HttpMethod.Put, "/portfolio", 413, body: oversize.ToJsonString());
        var noTotal = JsonNode.Parse(portfolio)!.AsObject();
        noTotal.Remove("total");
        await Refused(s, HttpMethod.Put, "/portfolio", noTotal.ToJsonString(), "total");
        await Refused(s, HttpMethod.Put, "/portfolio", "hello", "415", contentType: "text/plain", status: 415);

        // The decision log
        await Exchange(s, HttpMethod.Get, "/decisions?kind=decision", 200);
        await Exchange(s, HttpMethod.Get, "/decisions?page=0", 400);
        await Exchange(s, HttpMethod.Get, "/decisions/export", 200);
        await Exchange(s, HttpMethod.Get, "/decisions/export?from=2026-13-45", 400);
        await Exchange(s, HttpMethod.Get, $"/decisions/{decisionId}", 200);
        await Exchange(s, HttpMethod.Get, $"/decisions/{Guid.NewGuid()}", 404);
        await Exchange(s, HttpMethod.Post, $"/decisions/{decisionId}/replay", 200);
        await Exchange(s, HttpMethod.Post, $"/decisions/{decisionId}/replay?against=current", 200);
        await Exchange(s, HttpMethod.Post, $"/decisions/{decisionId}/replay?against=0000", 422);
        await Exchange(s, HttpMethod.Post, $"/decisions/{Guid.NewGuid()}/replay", 404);
        await Exchange(s, HttpMethod.Get, "/audit/verify", 200);

        var officer = TestKeys.BranchOfficer;
        var final = $"/decisions/{decisionId}/final";
        await Exchange(s, HttpMethod.Post, final, 400, body: """{"outcome":"approve"}""", key: officer);
        await Exchange(s, HttpMethod.Post, $"/decisions/{Guid.NewGuid()}/final", 404, body: """{"outcome":"decline"}""", key: officer);
        await Exchange(s, HttpMethod.Post, final, 422,
            body: """{"outcome":"approve","approvedAmount":9000000,"annualRate":0.05,"overrideReason":"OVR_CREDIT_CONCERN"}""", key: officer);
        await Exchange(s, HttpMethod.Post, final, 403, body: """{"outcome":"decline","overrideReason":"OVR_STRATEGIC_RELATIONSHIP"}""", key: officer);
        await Exchange(s, HttpMethod.Post, final, 200, body: """{"outcome":"decline","overrideReason":"OVR_CREDIT_CONCERN","note":"Site visit"}""", key: officer);
        await Exchange(s, HttpMethod.Post, final, 409, body: """{"outcome":"decline","overrideReason":"OVR_CREDIT_CONCERN"}""", key: officer);
        await Exchange(s, HttpMethod.Get, "/referrals?olderThan=PT0S&authorityLevel=branch-officer", 200, key: officer);
        await Exchange(s, HttpMethod.Get, "/referrals?olderThan=3days", 400, key: officer);
        await Exchange(s, HttpMethod.Get, "/reports/overrides", 200);
        await Exchange(s, HttpMethod.Get, "/reports/overrides?format=html", 200);
        await Exchange(s, HttpMethod.Get, "/reports/overrides?format=pdf", 400);
        await Refused(s, HttpMethod.Post, final, """{"outcome":"maybe"}""", "outcome", key: officer);
        await Refused(s, HttpMethod.Post, final, "hello", "415", contentType: "text/plain", key: officer, status: 415);

        // Backtests
        await Exchange(s, HttpMethod.Post, "/backtests", 200, body: JsonSerializer.Serialize(new { snapshotId, pageSize = 5 }));
        await Exchange(s, HttpMethod.Post, "/backtests?format=html", 200, body: JsonSerializer.Serialize(new { snapshotId }));
        await Exchange(s, HttpMethod.Post, "/backtests", 400, body: "{}");
        await Exchange(s, HttpMethod.Post, "/backtests", 422, body: JsonSerializer.Serialize(new { files = new Dictionary<string, object> { ["approval.json"] = new { WorkflowName = "x" } } }));
        await Exchange(s, HttpMethod.Post, "/backtests", 400, body: JsonSerializer.Serialize(new { snapshotId = "0000" }));
        await Exchange(s, HttpMethod.Post, "/backtests", 413,
            body: JsonSerializer.Serialize(new { files = new Dictionary<string, object> { ["approval.json"] = new { Description = new string('x', 1_100_000) } } }));
        await Refused(s, HttpMethod.Post, "/backtests", JsonSerializer.Serialize(new { snapshotId, pageSize = 0 }), "pageSize");
        await Refused(s, HttpMethod.Post, "/backtests", "hello", "415", contentType: "text/plain", status: 415);

        // The book's risk and stress tests
        var stress = JsonSerializer.Serialize(new { scenario = "property-downturn" });
        await Exchange(s, HttpMethod.Get, "/portfolio/risk", 200);
        await Exchange(s, HttpMethod.Get, "/portfolio/risk?since=2000-01-01&format=html", 200);
        await Exchange(s, HttpMethod.Get, "/portfolio/risk?asOf=yesterday", 400);
        await Exchange(s, HttpMethod.Get, "/portfolio/stress/scenarios", 200);
        await Exchange(s, HttpMethod.Post, "/portfolio/stress", 200, body: stress);
        await Exchange(s, HttpMethod.Post, "/portfolio/stress?format=html", 200, body: stress);
        await Exchange(s, HttpMethod.Post, "/portfolio/stress", 400, body: JsonSerializer.Serialize(new { scenario = "no-such-scenario" }));
        await Refused(s, HttpMethod.Post, "/portfolio/stress", "hello", "415", contentType: "text/plain", status: 415);

        // The challenger, promoted once it has been reviewed
        var challenger = await Exchange(s, HttpMethod.Get, "/challenger", 200);
        var reviewed = challenger.GetProperty("rulesets").GetProperty("snapshot").GetString()!;
        await Exchange(s, HttpMethod.Get, "/challenger/report", 200);
        await Exchange(s, HttpMethod.Get, "/challenger/report?format=html", 200);
        await Exchange(s, HttpMethod.Get, "/challenger/report?format=pdf", 400);
        await Exchange(s, HttpMethod.Post, "/challenger/promote", 400, body: """{"snapshotId":""}""");
        await Exchange(s, HttpMethod.Post, "/challenger/promote", 409, body: JsonSerializer.Serialize(new { snapshotId = "0000" }));
        await Exchange(s, HttpMethod.Post, "/challenger/promote", 413, body: JsonSerializer.Serialize(new { snapshotId = new string('0', 20_000) }));
        await Exchange(s, HttpMethod.Post, "/challenger/promote", 200, body: JsonSerializer.Serialize(new { snapshotId = reviewed }));
        await Refused(s, HttpMethod.Post, "/challenger/promote", "{}", "snapshotId");
        await Refused(s, HttpMethod.Post, "/challenger/promote", "hello", "415", contentType: "text/plain", status: 415);
        await Exchange(s, HttpMethod.Get, "/cluster", 200);

        // Drafts: made by one policy user, approved by another, promoted
        var maker = TestKeys.PolicyTeam;
        var missingDraft = $"/drafts/{Guid.NewGuid()}";
        await Exchange(s, HttpMethod.Get, "/drafts", 200);
        var draft = await Exchange(s, HttpMethod.Post, "/drafts", 201, body: JsonSerializer.Serialize(new { name = "Relabel the approval policy" }), key: maker);
        var draftPath = $"/drafts/{draft.GetProperty("draftId").GetString()}";
        await Exchange(s, HttpMethod.Post, "/drafts", 400, body: JsonSerializer.Serialize(new { name = " " }));
        await Refused(s, HttpMethod.Post, "/drafts", "hello", "415", contentType: "text/plain", status: 415);
        await Exchange(s, HttpMethod.Get, draftPath, 200);
        await Exchange(s, HttpMethod.Get, missingDraft, 404);
        await Exchange(s, HttpMethod.Get, $"{draftPath}/files/approval.json", 200);
        await Exchange(s, HttpMethod.Get, $"{draftPath}/files/nothing.json", 404);
        var approvalRules = await File.ReadAllTextAsync(Path.Combine(_rules.Path, "approval.json"));
        var relabelled = approvalRules.Replace("\"Label\": \"", "\"Label\": \"Relabelled ", StringComparison.Ordinal);
        await Exchange(s, HttpMethod.Put, $"{draftPath}/files/approval.json", 200, body: relabelled, key: maker);
        await Exchange(s, HttpMethod.Put, $"{draftPath}/files/approval.json", 422,
            body: relabelled.Replace("\"applicant.creditScore < minimumOwnerCreditScore\"", "\"System.IO.File.Exists(\\\"/etc/passwd\\\")\"", StringComparison.Ordinal));
        await Exchange(s, HttpMethod.Put, $"{draftPath}/files/approval.txt", 400, body: relabelled);
        await Exchange(s, HttpMethod.Put, $"{missingDraft}/files/approval.json", 404, body: relabelled);
        await Exchange(s, HttpMethod.Put, $"{draftPath}/files/approval.json", 413,
            body: JsonSerializer.Serialize(new { Description = new string('x', 1_100_000) }));
        await Refused(s, HttpMethod.Put, $"{draftPath}/files/approval.json", "hello", "415", contentType: "text/plain", status: 415);
        await DriveRuleEditsAsync(s, maker, missingDraft, approvalRules);
        await Exchange(s, HttpMethod.Post, $"{draftPath}/review", 409, body: JsonSerializer.Serialize(new { verdict = "approve" }));
        await Exchange(s, HttpMethod.Post, $"{draftPath}/review", 400, body: JsonSerializer.Serialize(new { verdict = "maybe" }));
        await Exchange(s, HttpMethod.Post, $"{missingDraft}/review", 404, body: JsonSerializer.Serialize(new { verdict = "approve" }));
        await Refused(s, HttpMethod.Post, $"{draftPath}/review", "hello", "415", contentType: "text/plain", status: 415);
        var draftBacktest = await Exchange(s, HttpMethod.Post, $"{draftPath}/backtests", 200, body: "{}", key: maker);
        await Exchange(s, HttpMethod.Post, $"{draftPath}/backtests", 400, body: JsonSerializer.Serialize(new { from = "2026-02-01T00:00:00Z", to = "2026-01-01T00:00:00Z" }));
        await Exchange(s, HttpMethod.Post, $"{missingDraft}/backtests", 404, body: "{}");
        await Refused(s, HttpMethod.Post, $"{draftPath}/backtests", "hello", "415", contentType: "text/plain", status: 415);
        await Exchange(s, HttpMethod.Get, $"{draftPath}/backtests/{draftBacktest.GetProperty("backtest").GetProperty("backtestId").GetString()}", 200);
        await Exchange(s, HttpMethod.Get, $"{draftPath}/backtests/{Guid.NewGuid()}", 404);
        await Exchange(s, HttpMethod.Post, $"{draftPath}/submit", 400, body: "{}");
        await Exchange(s, HttpMethod.Post, $"{missingDraft}/submit", 404, body: JsonSerializer.Serialize(new { rationale = "A clearer label." }));
        await Refused(s, HttpMethod.Post, $"{draftPath}/submit", "hello", "415", contentType: "text/plain", status: 415);
        await Exchange(s, HttpMethod.Post, $"{draftPath}/submit", 200, body: JsonSerializer.Serialize(new { rationale = "A clearer label." }), key: maker);
        await Exchange(s, HttpMethod.Post, $"{draftPath}/submit", 409, body: JsonSerializer.Serialize(new { rationale = "A clearer label." }), key: maker);
        await Exchange(s, HttpMethod.Put, $"{draftPath}/files/approval.json", 409, body: relabelled, key: maker);
        await Exchange(s, HttpMethod.Post, $"{draftPath}/files/approval.json/rules", 409, body: NewRuleBody, key: maker);
        await Exchange(s, HttpMethod.Delete, $"{draftPath}/files/approval.json/rules/TaxCreditRatingD", 409, key: maker);
        await Exchange(s, HttpMethod.Post, $"{draftPath}/promote", 409);
        await Exchange(s, HttpMethod.Post, $"{missingDraft}/promote", 404);
        await Exchange(s, HttpMethod.Post, $"{draftPath}/challenger", 409);
        await Exchange(s, HttpMethod.Post, $"{missingDraft}/challenger", 404);
        await Exchange(s, HttpMethod.Post, $"{draftPath}/review", 200, body: JsonSerializer.Serialize(new { verdict = "approve", comment = "Label only." }));
        await Exchange(s, HttpMethod.Post, $"{draftPath}/challenger", 200);
        await Exchange(s, HttpMethod.Get, $"{draftPath}/export", 200);
        await Exchange(s, HttpMethod.Get, $"{missingDraft}/export", 404);
        await Exchange(s, HttpMethod.Post, $"{draftPath}/promote", 200);

        // Open endpoints
        await Exchange(s, HttpMethod.Get, "/health", 200);
        await Exchange(s, HttpMethod.Get, "/health/live", 200);
        await Exchange(s, HttpMethod.Get, "/health/ready", 200);
        await Exchange(s, HttpMethod.Get, "/metrics", 200);

        // Every secured operation: a wrong key (401 from the service), no key (401 from Prism, the document
        // requires one) and a key without the operation's role (403)
        foreach (var (method, template, operation) in _contract.Operations.Where(op => op.Operation.TryGetProperty("security", out _)).ToList())
        {
            var path = DraftPath(template.Replace("{decisionId}", decisionId, StringComparison.Ordinal).Replace("{name}", approvalName, StringComparison.Ordinal)
                .Replace("{ruleset}", "sme-rating", StringComparison.Ordinal).Replace("{version}", "0000", StringComparison.Ordinal)
                .Replace("{draftId}", draftPath["/drafts/".Length..], StringComparison.Ordinal));
            var body = method switch
            {
                "POST" or "PUT" when template.StartsWith("/drafts", StringComparison.Ordinal) && operation.TryGetProperty("requestBody", out _) => BodyOf(template),
                "POST" when template == "/decide" => healthy.ToString(),
                "POST" when template == "/monitor" => loans,
                "PUT" => portfolio,
                "POST" when template == "/backtests" => JsonSerializer.Serialize(new { snapshotId }),
                "POST" when template == "/portfolio/stress" => stress,
                "POST" when template == "/challenger/promote" => JsonSerializer.Serialize(new { snapshotId = reviewed }),
                "POST" when template == "/decisions/{decisionId}/final" => FinalBody,
                "POST" when template == "/outcomes" => BodyOf(template),
                _ => null,
            };
            var httpMethod = new HttpMethod(method);
            await Exchange(s, httpMethod, path, 401, body: body, key: new TestKey("nobody", "not-a-configured-key-0000", false));
            await Refused(s, httpMethod, path, body, "security", key: null, status: 401);
            var roles = RequiredRoles().Match(operation.GetProperty("description").GetString()!).Groups[1].Value.Split(" or ");
            var outsider = TestKeys.All.First(k => !k.Roles.Intersect(roles).Any());
            await Exchange(s, httpMethod, path, 403, body: body, key: outsider);
        }
    }

    /// <summary>
    /// A service that lets one request with an API key through per client address and day: after the first, every
    /// keyed operation answers with a 429 problem.
    /// </summary>
    private async Task DriveOverTheRateLimitAsync(Through s)
    {
        foreach (var (method, template, operation) in _contract.Operations.Where(op => op.Operation.TryGetProperty("security", out _)).ToList())
        {
            var path = DraftPath(template.Replace("{decisionId}", Guid.NewGuid().ToString(), StringComparison.Ordinal)
                .Replace("{name}", "sme-approval", StringComparison.Ordinal).Replace("{ruleset}", "sme-rating", StringComparison.Ordinal)
                .Replace("{version}", "0000", StringComparison.Ordinal).Replace("{draftId}", Guid.NewGuid().ToString(), StringComparison.Ordinal));
            var body = operation.TryGetProperty("requestBody", out _) ? BodyOf(template) : null;
            using (var first = Request(new HttpMethod(method), path, body, "application/json", TestKeys.AllRoles, null))
            {
                // Spends the day's one request, if no operation before this one has.
                (await s.Client.SendAsync(first)).Dispose();
            }
            await Exchange(s, new HttpMethod(method), path, 429, body: body);
        }
    }

    /// <summary>Rules added and removed on a draft of their own, and its cases run again.</summary>
    private async Task DriveRuleEditsAsync(Through s, TestKey maker, string missingDraft, string approvalRules)
    {
        var draft = await Exchange(s, HttpMethod.Post, "/drafts", 201, body: JsonSerializer.Serialize(new { name = "Add and remove a rule" }), key: maker);
        var rules = $"/drafts/{draft.GetProperty("draftId").GetString()}/files/approval.json/rules";
        await Exchange(s, HttpMethod.Post, rules, 200, body: NewRuleBody, key: maker);
        await Exchange(s, HttpMethod.Post, rules, 422, body: NewRuleBody, key: maker);
        var cases = rules.Replace("approval.json/rules", "approval.cases.json", StringComparison.Ordinal);
        await Exchange(s, HttpMethod.Put, cases, 200, body: await File.ReadAllTextAsync(Path.Combine(RepoPaths.Rules, "approval.cases.json")), key: maker);
        await Exchange(s, HttpMethod.Post, $"{cases}/rules", 400, body: NewRuleBody, key: maker);
        await Exchange(s, HttpMethod.Post, $"{missingDraft}/files/approval.json/rules", 404, body: NewRuleBody);
        await Refused(s, HttpMethod.Post, rules, "hello", "415", contentType: "text/plain", status: 415);
        await Exchange(s, HttpMethod.Delete, $"{rules}/FirstYearOfTrading", 200, key: maker);
        await Exchange(s, HttpMethod.Delete, $"{rules}/FirstYearOfTrading", 404, key: maker);
        await Exchange(s, HttpMethod.Delete, $"{cases}/rules/AnyRule", 400, key: maker);

        // A file of one rule cannot lose it: a ruleset holds at least one rule.
        var oneRule = JsonNode.Parse(approvalRules)!.AsObject();
        var first = oneRule["Rules"]![0]!.DeepClone();
        oneRule["Rules"] = new JsonArray(first);
        await Exchange(s, HttpMethod.Put, rules[..^"/rules".Length], 200, body: oneRule.ToJsonString(), key: maker);
        await Exchange(s, HttpMethod.Delete, $"{rules}/{first["RuleName"]!.GetValue<string>()}", 422, key: maker);

        await Exchange(s, HttpMethod.Post, $"/drafts/{draft.GetProperty("draftId").GetString()}/cases", 200, key: maker);
        await Exchange(s, HttpMethod.Post, $"{missingDraft}/cases", 404);
    }

    private static readonly string NewRuleBody = JsonSerializer.Serialize(new
    {
        ruleName = "FirstYearOfTrading",
        expression = "applicant.yearsInBusiness < 1",
        description = "A firm in its first year has no full year of accounts.",
        properties = new Dictionary<string, object>
        {
            ["Effect"] = "refer", ["ReasonCode"] = "REF_FIRST_YEAR", ["Message"] = "Less than a year of trading.",
            ["CustomerText"] = new Dictionary<string, string> { ["En"] = "The business has traded for less than a year.", ["ZhHans"] = "贵企业经营未满一年。" },
        },
    });

    /// <summary>A body the document accepts for each operation that takes one; its content does not matter to a refused request.</summary>
    private static string BodyOf(string template) => template switch
    {
        "/decide" => ApplicationJson.FromSample("healthy-manufacturer").ToString(),
        "/monitor" => "[" + File.ReadAllLines(Path.Combine(RepoPaths.Samples, "loan-book.ndjson")).First() + "]",
        "/portfolio" => File.ReadAllText(RepoPaths.PortfolioFile),
        "/backtests" => JsonSerializer.Serialize(new { snapshotId = "0000" }),
        "/portfolio/stress" => JsonSerializer.Serialize(new { scenario = "property-downturn" }),
        "/decisions/{decisionId}/final" => FinalBody,
        "/outcomes" => JsonSerializer.Serialize(new { decisionId = Guid.NewGuid(), @event = "cure", date = "2026-01-02" }),
        "/drafts" => JsonSerializer.Serialize(new { name = "A draft" }),
        "/drafts/{draftId}/files/{fileName}" or "/drafts/{draftId}/backtests" => "{}",
        "/drafts/{draftId}/files/{fileName}/rules" => NewRuleBody,
        "/drafts/{draftId}/submit" => JsonSerializer.Serialize(new { rationale = "A reason." }),
        "/drafts/{draftId}/review" => JsonSerializer.Serialize(new { verdict = "approve" }),
        _ => JsonSerializer.Serialize(new { snapshotId = "0000" }),
    };

    private const string FinalBody = """{"outcome":"decline"}""";

    /// <summary>A draft operation's path with its file and backtest named (the draft is filled in by the caller).</summary>
    private static string DraftPath(string path) =>
        path.Replace("{fileName}", "approval.json", StringComparison.Ordinal).Replace("{backtestId}", Guid.NewGuid().ToString(), StringComparison.Ordinal)
            .Replace("{ruleName}", "TaxCreditRatingD", StringComparison.Ordinal);

    /// <summary>The outcomes only a service without valid rules gives.</summary>
    private async Task DriveWithoutValidRulesAsync(Through s)
    {
        var book = await File.ReadAllTextAsync(Path.Combine(RepoPaths.Samples, "loan-book.ndjson"));
        await Exchange(s, HttpMethod.Post, "/decide", 503, body: ApplicationJson.FromSample("healthy-manufacturer").ToString());
        await Exchange(s, HttpMethod.Post, "/monitor", 503, body: book, contentType: "application/x-ndjson");
        await Exchange(s, HttpMethod.Post, "/portfolio/stress", 503, body: JsonSerializer.Serialize(new { scenario = "property-downturn" }));
        await Exchange(s, HttpMethod.Post, "/outcomes", 503, body: BodyOf("/outcomes"));
        await Exchange(s, HttpMethod.Get, "/rulesets", 503);
        await Exchange(s, HttpMethod.Post, $"/decisions/{Guid.NewGuid()}/final", 503, body: FinalBody, key: TestKeys.BranchOfficer);
        await Exchange(s, HttpMethod.Get, "/health", 503);
        await Exchange(s, HttpMethod.Get, "/health/ready", 503);
    }

    /// <summary>
    /// Sends a request through Prism and checks it reached the service, got the expected status, and that neither
    /// Prism nor the document's schemas (<see cref="ContractCheckingHandler"/>) found a breach. Returns the JSON body.
    /// </summary>
    private async Task<JsonElement> Exchange(
        Through s, HttpMethod method, string path, int status,
        string? body = null, string contentType = "application/json", TestKey? key = null, Dictionary<string, string>? headers = null)
    {
        using var request = Request(method, path, body, contentType, key ?? TestKeys.AllRoles, headers);
        using var response = await s.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        var name = $"{method} {path} -> {status}";
        if (response.Headers.TryGetValues("sl-violations", out var violations))
        {
            _failures.Add($"{name}: Prism reports {string.Join(" ", violations)}");
        }
        if (text.Contains(PrismProxy.ViolationsType, StringComparison.Ordinal) || text.Contains("stoplight.io/prism/errors", StringComparison.Ordinal))
        {
            _failures.Add($"{name}: Prism answered instead of the service: {text}");
            return default;
        }
        if ((int)response.StatusCode != status)
        {
            _failures.Add($"{name}: got {(int)response.StatusCode} {Shorten(text)}");
            return default;
        }
        try
        {
            var expectation = _contract.Expect(method, path.Split('?')[0], status, mediaType);
            if (expectation?.Schema is { } schema)
            {
                var values = expectation.Ndjson ? text.Split('\n', StringSplitOptions.RemoveEmptyEntries) : [text];
                foreach (var error in values.SelectMany(value => _contract.Errors(schema, value))) _failures.Add($"{name}: {error}");
            }
            _covered.Add($"{method.Method} {Template(method, path)} {status} {mediaType ?? "(none)"}");
        }
        catch (ContractViolationException ex)
        {
            _failures.Add($"{name}: {ex.Message}");
        }
        return mediaType is "application/json" or "application/problem+json" ? JsonDocument.Parse(text).RootElement.Clone() : default;
    }

    /// <summary>
    /// Sends a request the document refuses and checks that Prism refused it naming <paramref name="mention"/>: the
    /// document is at least as strict as the service. Counts as covering the documented refusal of that status.
    /// </summary>
    private async Task Refused(Through s, HttpMethod method, string path, string? body, string mention,
        string contentType = "application/json", TestKey? key = null, int status = 422)
    {
        using var request = Request(method, path, body, contentType, status == 401 ? null : key ?? TestKeys.AllRoles, headers: null);
        using var response = await s.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var name = $"{method} {path} (refused by the document: {mention})";
        var expected = status == 401 ? 401 : 422;
        if ((int)response.StatusCode != expected || !text.Contains("stoplight.io/prism/errors", StringComparison.Ordinal) || (status == 422 && !text.Contains(mention, StringComparison.Ordinal)))
        {
            _failures.Add($"{name}: Prism did not refuse it as expected: {(int)response.StatusCode} {Shorten(text)}");
            return;
        }
        if (status is 401 or 415) _covered.Add($"{method.Method} {Template(method, path)} {status} application/problem+json");
    }

    private static HttpRequestMessage Request(HttpMethod method, string path, string? body, string contentType, TestKey? key, Dictionary<string, string>? headers)
    {
        var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue(contentType));
        if (key is not null) request.Headers.Add(TestKeys.Header, key.Key);
        foreach (var (name, value) in headers ?? []) request.Headers.Add(name, value);
        return request;
    }

    private string Template(HttpMethod method, string path) =>
        _contract.Operations.Where(op => op.Method == method.Method).Select(op => op.Path)
            .OrderBy(template => template.Count(c => c == '{'))
            .First(template => new Regex("^" + Regex.Replace(Regex.Escape(template).Replace(@"\{", "{"), @"\{[^}/]+\}", "[^/]+") + "$").IsMatch(path.Split('?')[0]));

    private static string Shorten(string text) => text.Length <= 600 ? text : text[..600] + "…";

    [GeneratedRegex(@"the role (.+)\.$")]
    private static partial Regex RequiredRoles();
}
