using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace CreditDecision.Api.Tests;

/// <summary>POST /monitor through the real HTTP pipeline: JSON arrays, NDJSON streams, bad lines, logging and replay.</summary>
public sealed class MonitoringTests
{
    internal const string Ndjson = "application/x-ndjson";

    /// <summary>A performing BBB working-capital line with nothing to report.</summary>
    internal static JsonObject HealthyLoan(string loanId) => new()
    {
        ["loanId"] = loanId,
        ["enterpriseId"] = "91320411MA1T6R3K8E",
        ["evaluationDate"] = "2026-11-20",
        ["currentGrade"] = "BBB",
        ["outstandingAmount"] = 2_400_000,
        ["undrawnAmount"] = 600_000,
        ["daysPastDue"] = 0,
        ["overdueInstalments"] = 0,
        ["utilisation"] = 0.62,
        ["revenueChange"] = 0.04,
        ["taxArrears"] = "none",
        ["newLegalCases"] = 0,
        ["enforcementAction"] = false,
        ["keyPersonChange"] = false,
        ["ownershipChange"] = false,
        ["collateralValueChange"] = 0,
        ["guarantorStatus"] = "sound",
        ["relatedPartyDefault"] = false,
        ["industryDownturn"] = false,
    };

    private static JsonObject Loan(string loanId, params (string Field, JsonNode? Value)[] changes)
    {
        var loan = HealthyLoan(loanId);
        foreach (var (field, value) in changes) loan[field] = value;
        return loan;
    }

    private static StringContent NdjsonBody(IEnumerable<string> lines) =>
        new(string.Join("\n", lines) + "\n", Encoding.UTF8, Ndjson);

    private static async Task<List<JsonObject>> ReadLinesAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Ndjson, response.Content.Headers.ContentType!.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        return [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!.AsObject())];
    }

    [Fact]
    public async Task A_healthy_loan_is_green_and_a_non_performing_one_goes_to_hard_recovery()
    {
        using var app = new CreditDecisionApplication();
        using var client = app.CreateClient();
        JsonArray loans =
        [
            HealthyLoan("L-HEALTHY"),
            Loan("L-NPL", ("daysPastDue", 120), ("overdueInstalments", 4), ("currentGrade", "BB")),
        ];

        var response = await client.PostAsJsonAsync("/monitor", loans);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        var results = body["results"]!.AsArray().Select(r => r!["result"]!).ToDictionary(r => r["loanId"]!.GetValue<string>());

        var healthy = results["L-HEALTHY"];
        Assert.Equal("green", healthy["warningLevel"]!.GetValue<string>());
        Assert.Equal("none", healthy["recommendedAction"]!.GetValue<string>());
        Assert.Equal("none", healthy["recoveryPhase"]!.GetValue<string>());
        Assert.Equal("BBB", healthy["suggestedGrade"]!.GetValue<string>());
        Assert.Empty(healthy["signals"]!.AsArray());

        var npl = results["L-NPL"];
        Assert.Equal("red", npl["warningLevel"]!.GetValue<string>());
        Assert.Equal("hard-recovery", npl["recoveryPhase"]!.GetValue<string>());
        Assert.NotEqual("BB", npl["suggestedGrade"]!.GetValue<string>());
        Assert.Contains(npl["actions"]!.AsArray(), a => a!.GetValue<string>() == npl["recommendedAction"]!.GetValue<string>());

        var summary = body["summary"]!;
        Assert.Equal(2, summary["reviewed"]!.GetValue<long>());
        Assert.Equal(1, summary["byLevel"]!["green"]!.GetValue<long>());
        Assert.Equal(1, summary["byLevel"]!["red"]!.GetValue<long>());
        Assert.Empty(body["errors"]!.AsArray());
    }

    [Fact]
    public async Task Bad_lines_get_their_own_errors_with_line_numbers_and_good_lines_still_get_results()
    {
        using var app = new CreditDecisionApplication();
        using var client = app.CreateClient();
        string[] lines =
        [
            HealthyLoan("L-1").ToJsonString(),
            "{ this is not json",
            Loan("L-3", ("daysPastDue", -5)).ToJsonString(),
            "",
            Loan("L-5", ("currentGrade", "ZZZ")).ToJsonString(),
            Loan("L-6", ("colour", "red")).ToJsonString(),
            "{\"loanId\":\"L-7\",\"loanId\":\"L-7b\"}",
            new string('x', 70_000),
            Loan("L-9", ("daysPastDue", 45), ("overdueInstalments", 2)).ToJsonString(),
        ];

        var output = await ReadLinesAsync(await client.PostAsync("/monitor", NdjsonBody(lines)));

        var byLine = output.Where(l => l["line"] is not null).ToDictionary(l => l["line"]!.GetValue<long>());
        Assert.Equal([1L, 2L, 3L, 5L, 6L, 7L, 8L, 9L], byLine.Keys.Order());
        Assert.NotNull(byLine[1]["result"]);
        Assert.NotNull(byLine[9]["result"]);
        Assert.Equal("L-9", byLine[9]["result"]!["loanId"]!.GetValue<string>());
        Assert.NotEqual("green", byLine[9]["result"]!["warningLevel"]!.GetValue<string>());
        Assert.True(byLine[3]["error"]!["errors"]!.AsObject().ContainsKey("daysPastDue"));
        Assert.True(byLine[5]["error"]!["errors"]!.AsObject().ContainsKey("currentGrade"));
        Assert.True(byLine[6]["error"]!["errors"]!.AsObject().ContainsKey("colour"));
        Assert.NotNull(byLine[2]["error"]);
        Assert.NotNull(byLine[7]["error"]);
        Assert.Contains("longer than", byLine[8]["error"]!["title"]!.GetValue<string>());

        var summary = output[^1]["summary"]!;
        Assert.Equal(8, summary["loans"]!.GetValue<long>());
        Assert.Equal(2, summary["reviewed"]!.GetValue<long>());
        Assert.Equal(6, summary["failed"]!.GetValue<long>());
    }

    [Fact]
    public async Task A_line_with_content_after_its_loan_gets_its_own_error_and_nothing_is_logged()
    {
        using var app = new CreditDecisionApplication();
        using var client = app.CreateClient();
        string[] lines =
        [
            HealthyLoan("L-TRAIL-1").ToJsonString() + " garbage",
            HealthyLoan("L-TRAIL-2").ToJsonString() + " {\"x\":1}",
            HealthyLoan("L-TRAIL-3").ToJsonString() + HealthyLoan("L-TRAIL-3b").ToJsonString(),
            HealthyLoan("L-CLEAN").ToJsonString() + " \t",
        ];

        var output = await ReadLinesAsync(await client.PostAsync("/monitor", NdjsonBody(lines)));

        var byLine = output.Where(l => l["line"] is not null).ToDictionary(l => l["line"]!.GetValue<long>());
        foreach (var line in new long[] { 1, 2, 3 })
        {
            Assert.Null(byLine[line]["result"]);
            Assert.Contains("after the loan", byLine[line]["error"]!["errors"]!["body"]![0]!.GetValue<string>());
        }
        Assert.Equal("L-CLEAN", byLine[4]["result"]!["loanId"]!.GetValue<string>());
        var logged = await client.GetFromJsonAsync<JsonObject>("/decisions?kind=monitoring");
        Assert.Equal(["L-CLEAN"], logged!["items"]!.AsArray().Select(r => r!["applicationId"]!.GetValue<string>()));
    }

    [SkippableTheory, MemberData(nameof(Stores))]
    public async Task Every_review_is_logged_and_replays_identical(string store)
    {
        Requires.Store(store);
        using var app = new CreditDecisionApplication(RepoPaths.Rules, store);
        using var client = app.CreateClient();
        var output = await ReadLinesAsync(await client.PostAsync("/monitor", NdjsonBody(
        [
            HealthyLoan("L-A").ToJsonString(),
            Loan("L-B", ("daysPastDue", 200), ("guarantorStatus", "defaulted")).ToJsonString(),
        ])));
        var ids = output.Where(l => l["result"] is not null).Select(l => l["result"]!["monitoringId"]!.GetValue<string>()).ToArray();
        Assert.Equal(2, ids.Length);

        foreach (var id in ids)
        {
            var stored = await client.GetFromJsonAsync<JsonObject>($"/decisions/{id}");
            Assert.Equal("monitoring", stored!["kind"]!.GetValue<string>());
            var replay = await (await client.PostAsync($"/decisions/{id}/replay", null)).Content.ReadFromJsonAsync<JsonObject>();
            Assert.True(replay!["identical"]!.GetValue<bool>(), replay["differences"]!.ToJsonString());
        }
        var listed = await client.GetFromJsonAsync<JsonObject>("/decisions?kind=monitoring&applicationId=L-B");
        Assert.Equal("red", Assert.Single(listed!["items"]!.AsArray())!["outcome"]!.GetValue<string>());
        var verify = await client.GetFromJsonAsync<JsonObject>("/audit/verify");
        Assert.Equal("intact", verify!["status"]!.GetValue<string>());
    }

    public static TheoryData<string> Stores => TestStores.All;
}
