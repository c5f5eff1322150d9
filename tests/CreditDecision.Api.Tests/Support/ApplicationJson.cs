using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CreditDecision.Api.Tests;

/// <summary>A request body built from a shipped sample with some fields changed, e.g. <c>.With("applicant.taxArrears", 50000)</c>.</summary>
public sealed class ApplicationJson
{
    private readonly JsonObject _root;

    private ApplicationJson(JsonObject root) => _root = root;

    public static ApplicationJson FromSample(string name) => new(JsonNode.Parse(RepoPaths.Sample(name))!.AsObject());

    public ApplicationJson With(string path, object? value)
    {
        var (parent, name) = Locate(path);
        parent[name] = value is null ? null : JsonSerializer.SerializeToNode(value);
        return this;
    }

    /// <summary>Applies changes written <c>"path=value"</c>: numbers and true/false as JSON numbers and booleans, a value starting with [ or { as JSON, anything else as text.</summary>
    public ApplicationJson WithChanges(params string[] changes)
    {
        foreach (var change in changes)
        {
            var pathAndValue = change.Split('=', 2);
            With(pathAndValue[0], Parse(pathAndValue[1]));
        }
        return this;
    }

    /// <summary>The change that makes one guarantor the loan's only one, for <see cref="WithChanges"/>.</summary>
    public static string OneGuarantor(string type, decimal amount, bool relatedParty = false, string? grade = null) =>
        $$"""request.guarantors=[{"type":"{{type}}","relatedParty":{{(relatedParty ? "true" : "false")}},"amount":{{amount.ToString(CultureInfo.InvariantCulture)}}{{(grade is null ? "" : $",\"grade\":\"{grade}\"")}}}]""";

    private static object Parse(string text) =>
        decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) ? number
        : bool.TryParse(text, out var flag) ? flag
        : text.StartsWith('[') || text.StartsWith('{') ? JsonNode.Parse(text)!
        : text;

    public ApplicationJson Without(string path)
    {
        var (parent, name) = Locate(path);
        parent.Remove(name);
        return this;
    }

    public override string ToString() => _root.ToJsonString();

    public StringContent ToContent() => new(ToString(), Encoding.UTF8, "application/json");

    private (JsonObject Parent, string Name) Locate(string path)
    {
        var segments = path.Split('.');
        var parent = _root;
        foreach (var segment in segments[..^1]) parent = parent[segment]!.AsObject();
        return (parent, segments[^1]);
    }
}

public static class HttpClientExtensions
{
    /// <param name="trace">The trace level to ask for (fired, full or none); null: the service's default.</param>
    public static Task<HttpResponseMessage> Decide(this HttpClient client, ApplicationJson application, string? trace = null) =>
        client.PostAsync(trace is null ? "/decide" : $"/decide?trace={trace}", application.ToContent());

    public static Task<HttpResponseMessage> DecideRaw(this HttpClient client, string body, string contentType = "application/json") =>
        client.PostAsync("/decide", new StringContent(body, Encoding.UTF8, contentType));

    public static async Task<JsonElement> ReadJson(this HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>();

    /// <summary>Decides an application that must be accepted, and returns the decision.</summary>
    public static async Task<JsonElement> DecideOk(this HttpClient client, ApplicationJson application)
    {
        var response = await client.Decide(application);
        var body = await response.ReadJson();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
        return body;
    }
}
