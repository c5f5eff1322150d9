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
    public static Task<HttpResponseMessage> Decide(this HttpClient client, ApplicationJson application) =>
        client.PostAsync("/decide", application.ToContent());

    public static Task<HttpResponseMessage> DecideRaw(this HttpClient client, string body, string contentType = "application/json") =>
        client.PostAsync("/decide", new StringContent(body, Encoding.UTF8, contentType));

    public static async Task<JsonElement> ReadJson(this HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>();
}
