using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace CreditDecision.Api.Tests;

/// <summary>
/// <c>POST /decide?trace=</c>: the caller chooses how much of the trace a response carries (by default the rules that
/// fired); the log keeps every rule's result whatever was asked, and the response is the logged one cut to that level.
/// </summary>
public sealed class TraceLevelTests
{
    [Fact]
    public async Task By_default_a_response_carries_the_rules_that_fired_and_the_log_keeps_every_rule()
    {
        using var app = new CreditDecisionApplication(RepoPaths.Rules);
        using var client = app.CreateClient();
        var sent = await DecideAsync(client, "healthy-manufacturer", trace: null);
        var stored = (await client.GetFromJsonAsync<JsonObject>($"/decisions/{sent["decisionId"]}"))!["response"]!.AsObject();

        var storedStages = stored["trace"]!.AsArray();
        var sentStages = sent["trace"]!.AsArray();
        Assert.Equal(storedStages.Select(s => s!["stage"]!.GetValue<string>()), sentStages.Select(s => s!["stage"]!.GetValue<string>()));
        for (var i = 0; i < storedStages.Count; i++)
        {
            var fired = storedStages[i]!["rules"]!.AsArray().Where(rule => rule!["fired"]!.GetValue<bool>()).ToList();
            Assert.True(JsonNode.DeepEquals(new JsonArray([.. fired.Select(rule => rule!.DeepClone())]), sentStages[i]!["rules"]));
        }
        Assert.Contains(storedStages, stage => stage!["rules"]!.AsArray().Any(rule => !rule!["fired"]!.GetValue<bool>()));
        Assert.True(JsonNode.DeepEquals(WithoutTrace(stored), WithoutTrace(sent)));
    }

    [Fact]
    public async Task Full_and_none_give_every_rule_or_no_stages_and_a_retry_may_ask_for_another_level()
    {
        using var app = new CreditDecisionApplication(RepoPaths.Rules);
        using var client = app.CreateClient();
        var none = await PostAsync(client, "tax-arrears", "none", ("Idempotency-Key", "trace-levels-1"));
        Assert.Equal(HttpStatusCode.OK, none.StatusCode);
        var withoutStages = JsonNode.Parse(await none.Content.ReadAsStringAsync())!.AsObject();
        Assert.Empty(withoutStages["trace"]!.AsArray());

        var full = await PostAsync(client, "tax-arrears", "full", ("Idempotency-Key", "trace-levels-1"));
        Assert.Equal("true", Assert.Single(full.Headers.GetValues("Idempotent-Replayed")));
        var everyRule = JsonNode.Parse(await full.Content.ReadAsStringAsync())!.AsObject();
        var stored = (await client.GetFromJsonAsync<JsonObject>($"/decisions/{everyRule["decisionId"]}"))!["response"]!;
        Assert.True(JsonNode.DeepEquals(stored, everyRule));
        Assert.True(JsonNode.DeepEquals(WithoutTrace(everyRule), WithoutTrace(withoutStages)));

        var fired = JsonNode.Parse(await (await PostAsync(client, "tax-arrears", null, ("Idempotency-Key", "trace-levels-1"))).Content.ReadAsStringAsync())!;
        var firedNow = await DecideAsync(client, "tax-arrears", trace: null, applicationId: "APP-TRACE-FIRED");
        Assert.Equal(firedNow["trace"]!.ToJsonString(), fired["trace"]!.ToJsonString());
    }

    [Fact]
    public async Task An_unknown_level_is_a_problem_naming_trace_and_nothing_is_logged()
    {
        using var app = new CreditDecisionApplication(RepoPaths.Rules);
        using var client = app.CreateClient();
        var response = await client.Decide(ApplicationJson.FromSample("young-firm"), trace: "verbose");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.ReadJson();
        Assert.Contains("fired, full, none", problem.GetProperty("errors").GetProperty("trace")[0].GetString());
        var verify = await client.GetFromJsonAsync<JsonObject>("/audit/verify");
        Assert.Equal(0, verify!["records"]!.GetValue<long>());
    }

    private static JsonObject WithoutTrace(JsonNode response)
    {
        var copy = response.DeepClone().AsObject();
        copy.Remove("trace");
        return copy;
    }

    private static async Task<JsonObject> DecideAsync(HttpClient client, string sample, string? trace, string? applicationId = null)
    {
        var application = ApplicationJson.FromSample(sample);
        if (applicationId is not null) application = application.With("applicationId", applicationId);
        var response = await client.Decide(application, trace);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string sample, string? trace, (string Name, string Value) header)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, trace is null ? "/decide" : $"/decide?trace={trace}")
        {
            Content = ApplicationJson.FromSample(sample).ToContent(),
        };
        request.Headers.Add(header.Name, header.Value);
        return await client.SendAsync(request);
    }
}
