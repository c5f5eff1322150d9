using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace CreditDecision.Api.Tests;

/// <summary>The portfolio is live policy input: replacing it changes decisions, is recorded with them and replays exactly.</summary>
public sealed class PortfolioTests
{
    private static JsonObject ShippedBook() => JsonNode.Parse(File.ReadAllText(RepoPaths.PortfolioFile))!.AsObject();

    private static StringContent Json(JsonNode node) => new(node.ToJsonString(), Encoding.UTF8, "application/json");

    [Fact]
    public async Task A_book_concentrated_in_the_applicants_industry_turns_an_approval_into_a_referral_and_replay_keeps_both_apart()
    {
        using var app = new CreditDecisionApplication();
        using var client = app.CreateClient();
        var shipped = await client.GetFromJsonAsync<JsonObject>("/portfolio");

        var before = await (await client.Decide(ApplicationJson.FromSample("healthy-manufacturer"))).Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal("approve", before!["outcome"]!.GetValue<string>());
        Assert.Equal(shipped!["version"]!.GetValue<string>(), before["portfolio"]!["version"]!.GetValue<string>());

        // Manufacturing grows to 31 % of a larger book, over its 30 % share limit.
        var book = ShippedBook();
        book["byIndustry"]!["manufacturing"] = book["byIndustry"]!["manufacturing"]!.GetValue<long>() + 1_100_000_000;
        book["total"] = book["total"]!.GetValue<long>() + 1_100_000_000;
        book["asOf"] = "2026-11-30";
        var put = await client.PutAsync("/portfolio", Json(book));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var replaced = await put.Content.ReadFromJsonAsync<JsonObject>();
        Assert.NotEqual(shipped["version"]!.GetValue<string>(), replaced!["version"]!.GetValue<string>());

        var after = await (await client.Decide(ApplicationJson.FromSample("healthy-manufacturer"))).Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal("refer", after!["outcome"]!.GetValue<string>());
        Assert.Contains(after["reasons"]!.AsArray(), r => r!["code"]!.GetValue<string>() == "REF_INDUSTRY_CONCENTRATION");
        Assert.Equal(replaced["version"]!.GetValue<string>(), after["portfolio"]!["version"]!.GetValue<string>());
        Assert.Equal("2026-11-30", after["portfolio"]!["asOf"]!.GetValue<string>());

        var recorded = await (await client.PostAsync($"/decisions/{before["decisionId"]}/replay", null)).Content.ReadFromJsonAsync<JsonObject>();
        Assert.True(recorded!["identical"]!.GetValue<bool>(), recorded["differences"]!.ToJsonString());
        var today = await (await client.PostAsync($"/decisions/{before["decisionId"]}/replay?against=current", null)).Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal("refer", today!["replayedOutcome"]!.GetValue<string>());
        Assert.Contains(today["differences"]!.AsArray(), d => d!["path"]!.GetValue<string>() == "$.portfolio.version");
        Assert.Equal(book.ToJsonString(), JsonNode.Parse(File.ReadAllText(app.PortfolioFile))!.ToJsonString());
    }

    [Fact]
    public async Task An_invalid_book_is_refused_field_by_field_and_the_live_one_stays()
    {
        using var app = new CreditDecisionApplication();
        using var client = app.CreateClient();
        var live = await client.GetFromJsonAsync<JsonObject>("/portfolio");

        var book = ShippedBook();
        book["byIndustry"]!["shipbuilding"] = 1_000;
        book["byRegion"]!["jiangsu-suzhou"] = -5;
        book["total"] = null;
        var put = await client.PutAsync("/portfolio", Json(book));

        Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
        var errors = (await put.ReadJson()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("byIndustry.shipbuilding", out _));
        Assert.True(errors.TryGetProperty("byRegion.jiangsu-suzhou", out _));
        Assert.True(errors.TryGetProperty("total", out _));
        Assert.Equal(live!["version"]!.GetValue<string>(), (await client.GetFromJsonAsync<JsonObject>("/portfolio"))!["version"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PutAsync("/portfolio", new StringContent("[1,2", Encoding.UTF8, "application/json"))).StatusCode);
    }

    [Theory]
    [InlineData("byRegion", "G\\u202eX")]
    [InlineData("byRegion", "jiangsu\\u200b-suzhou")]
    [InlineData("byGroup", "GRP\\u0007-1")]
    public async Task Names_in_the_book_follow_the_text_rules_of_applications(string section, string escapedName)
    {
        using var app = new CreditDecisionApplication();
        using var client = app.CreateClient();
        var live = await client.GetFromJsonAsync<JsonObject>("/portfolio");
        var book = ShippedBook();
        book[section]!["@@"] = 0;

        var put = await client.PutAsync("/portfolio", new StringContent(
            book.ToJsonString().Replace("\"@@\"", $"\"{escapedName}\"", StringComparison.Ordinal), Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
        var error = Assert.Single((await put.ReadJson()).GetProperty("errors").EnumerateObject());
        Assert.StartsWith($"{section}.", error.Name);
        Assert.Contains("invisible formatting characters", error.Value[0].GetString());
        Assert.Equal(live!["version"]!.GetValue<string>(), (await client.GetFromJsonAsync<JsonObject>("/portfolio"))!["version"]!.GetValue<string>());
    }
}
