using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Snapshooter;
using Snapshooter.Xunit;

namespace CreditDecision.Api.Tests;

public class DecideTests(SharedApplication shared) : IClassFixture<SharedApplication>
{
    private readonly HttpClient _client = shared.Client;

    /// <summary>A sample's decision with its full trace: every rule's result is part of what is approved.</summary>
    private async Task<JsonElement> DecideSample(string sample)
    {
        var response = await _client.Decide(ApplicationJson.FromSample(sample), trace: "full");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.ReadJson();
    }

    /// <summary>The response without the fields that differ on every call (decision id and time).</summary>
    private static JsonNode Stable(JsonElement decision)
    {
        var node = JsonNode.Parse(decision.GetRawText())!.AsObject();
        node.Remove("decisionId");
        node.Remove("decidedAt");
        return node;
    }

    [Theory]
    [InlineData("healthy-manufacturer")]
    [InlineData("tax-arrears")]
    [InlineData("young-firm")]
    [InlineData("large-request")]
    public async Task Sample_decision_matches_its_approved_snapshot(string sample)
    {
        var decision = await DecideSample(sample);
        Snapshot.Match(Stable(decision).ToJsonString(new JsonSerializerOptions { WriteIndented = true }), SnapshotNameExtension.Create(sample));
    }

    [Fact]
    public async Task Healthy_manufacturer_is_approved_with_limit_rate_and_green_warnings()
    {
        var decision = await DecideSample("healthy-manufacturer");
        Assert.Equal("approve", decision.GetProperty("outcome").GetString());
        Assert.Equal(0, decision.GetProperty("reasons").GetArrayLength());
        Assert.True(decision.GetProperty("limit").GetProperty("approvedAmount").GetDecimal() > 0);
        Assert.True(decision.GetProperty("pricing").GetProperty("annualRate").GetDecimal() > 0);
        Assert.Equal("green", decision.GetProperty("warningLevel").GetString());
    }

    [Fact]
    public async Task Tax_arrears_decline_with_reason_code_and_zero_limit()
    {
        var decision = await DecideSample("tax-arrears");
        Assert.Equal("decline", decision.GetProperty("outcome").GetString());
        Assert.Contains(decision.GetProperty("reasons").EnumerateArray(), r => r.GetProperty("code").GetString() == "KO_TAX_ARREARS");
        Assert.Equal(0m, decision.GetProperty("limit").GetProperty("approvedAmount").GetDecimal());
        Assert.Equal("declined", decision.GetProperty("limit").GetProperty("bindingCap").GetString());
        Assert.Equal(0m, decision.GetProperty("pricing").GetProperty("expectedLoss").GetDecimal());
    }

    [Fact]
    public async Task Young_firm_is_referred_for_short_trading_history()
    {
        var decision = await DecideSample("young-firm");
        Assert.Equal("refer", decision.GetProperty("outcome").GetString());
        Assert.Contains(decision.GetProperty("reasons").EnumerateArray(), r => r.GetProperty("code").GetString() == "REF_SHORT_TRADING_HISTORY");
    }

    [Fact]
    public async Task Large_request_is_capped_by_its_working_capital_need()
    {
        var limit = (await DecideSample("large-request")).GetProperty("limit");
        Assert.Equal("working-capital-need", limit.GetProperty("bindingCap").GetString());
        Assert.True(limit.GetProperty("approvedAmount").GetDecimal() < limit.GetProperty("requestedAmount").GetDecimal());
    }

    [Fact]
    public async Task Decision_names_every_ruleset_version_and_traces_every_stage()
    {
        var decision = await DecideSample("healthy-manufacturer");
        var rulesets = decision.GetProperty("rulesets").EnumerateArray().ToList();
        var trace = decision.GetProperty("trace").EnumerateArray().ToList();

        Assert.Equal(["rating", "approval", "limit", "authority", "pricing", "early-warning"], trace.Select(t => t.GetProperty("stage").GetString()));
        Assert.Equal(rulesets.Select(r => r.GetProperty("version").GetString()), trace.Select(t => t.GetProperty("version").GetString()));
        Assert.All(rulesets, r => Assert.Matches("^[0-9a-f]{64}$", r.GetProperty("version").GetString()));
        Assert.All(trace, t => Assert.NotEqual(0, t.GetProperty("rules").GetArrayLength()));
    }

    [Fact]
    public async Task Expected_loss_is_pd_times_lgd_times_ead()
    {
        var pricing = (await DecideSample("healthy-manufacturer")).GetProperty("pricing");
        var expected = pricing.GetProperty("pd").GetDecimal() * pricing.GetProperty("lgd").GetDecimal() * pricing.GetProperty("ead").GetDecimal();
        Assert.Equal(decimal.Round(expected, 2), pricing.GetProperty("expectedLoss").GetDecimal());
    }

    [Fact]
    public async Task Same_input_and_rules_give_a_byte_identical_decision()
    {
        var first = Stable(await DecideSample("large-request")).ToJsonString();
        var second = Stable(await DecideSample("large-request")).ToJsonString();
        Assert.Equal(first, second);
    }

    [Fact]
    public async Task Decision_ids_are_unique()
    {
        var first = (await DecideSample("healthy-manufacturer")).GetProperty("decisionId").GetGuid();
        var second = (await DecideSample("healthy-manufacturer")).GetProperty("decisionId").GetGuid();
        Assert.NotEqual(first, second);
    }

    [Fact]
    public async Task Health_is_ok_when_rules_are_loaded()
    {
        var response = await _client.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("healthy", (await response.ReadJson()).GetProperty("status").GetString());
    }

    [Fact]
    public async Task OpenApi_document_describes_decide_with_an_example()
    {
        var document = await (await _client.GetAsync("/openapi/v1.json")).ReadJson();
        var decide = document.GetProperty("paths").GetProperty("/decide").GetProperty("post");
        var body = decide.GetProperty("requestBody").GetProperty("content").GetProperty("application/json");
        var sampleId = JsonDocument.Parse(RepoPaths.Sample("healthy-manufacturer")).RootElement.GetProperty("applicationId").GetString();
        Assert.Equal(sampleId, body.GetProperty("example").GetProperty("applicationId").GetString());
        Assert.True(decide.GetProperty("responses").TryGetProperty("200", out _));
        Assert.True(decide.GetProperty("responses").TryGetProperty("400", out _));
        Assert.True(document.GetProperty("components").GetProperty("schemas").TryGetProperty("DecisionResponse", out _));
    }

    [Fact]
    public async Task Swagger_ui_is_served()
    {
        var response = await _client.GetAsync("/swagger/index.html");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
