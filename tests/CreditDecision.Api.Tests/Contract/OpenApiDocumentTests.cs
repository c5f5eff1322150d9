using System.Text.Json.Nodes;

namespace CreditDecision.Api.Tests;

/// <summary>
/// The OpenAPI document is committed (<c>docs/openapi/v1.json</c>): clients are generated from it and every HTTP
/// test checks its responses against it, so the service must serve exactly that document.
/// </summary>
public sealed class OpenApiDocumentTests(SharedApplication shared) : IClassFixture<SharedApplication>
{
    [Fact]
    public async Task Served_document_is_the_committed_document()
    {
        var served = Comparable(await shared.Client.GetStringAsync("/openapi/v1.json"));
        var committed = Comparable(await File.ReadAllTextAsync(RepoPaths.OpenApiDocument));
        if (JsonNode.DeepEquals(served, committed)) return;

        var fresh = Path.ChangeExtension(RepoPaths.OpenApiDocument, ".served.json");
        await File.WriteAllTextAsync(fresh, served.ToJsonString(new() { WriteIndented = true }) + "\n");
        Assert.Fail($"The service serves a different OpenAPI document from {RepoPaths.OpenApiDocument}. Review the served one, written to {fresh}, and if the change is intended, move it over the committed one.");
    }

    /// <summary>The document without <c>servers</c>, which names the host that asked.</summary>
    public static JsonNode Comparable(string document)
    {
        var node = JsonNode.Parse(document)!;
        node.AsObject().Remove("servers");
        return node;
    }
}
