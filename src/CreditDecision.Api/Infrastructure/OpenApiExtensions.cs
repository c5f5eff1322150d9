using System.Text.Json.Nodes;

namespace CreditDecision.Api.Infrastructure;

/// <summary>The OpenAPI document at <c>/openapi/v1.json</c> and Swagger UI at <c>/swagger</c>.</summary>
public static class OpenApiExtensions
{
    private const string DocumentPath = "/openapi/v1.json";

    public static void AddOpenApiDocument(this WebApplicationBuilder builder) =>
        builder.Services.AddOpenApi(options =>
        {
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "CreditDecision";
                document.Info.Description = "Explained, auditable credit decisions for SME loans, computed by versioned rulesets.";
                return Task.CompletedTask;
            });
            options.AddOperationTransformer((operation, context, _) =>
            {
                if (context.Description.ActionDescriptor.EndpointMetadata.OfType<IEndpointNameMetadata>().Any(m => m.EndpointName == "Decide")
                    && operation.RequestBody?.Content?.TryGetValue("application/json", out var body) == true)
                {
                    body.Example = SampleApplication.Value;
                }
                return Task.CompletedTask;
            });
        });

    public static void MapOpenApiDocument(this WebApplication app)
    {
        app.MapOpenApi(DocumentPath);
        app.UseSwaggerUI(options =>
        {
            options.SwaggerEndpoint(DocumentPath, "CreditDecision v1");
            options.RoutePrefix = "swagger";
            options.DocumentTitle = "CreditDecision API";
        });
    }

    /// <summary>The shipped healthy-manufacturer sample, embedded at build time, as the request example.</summary>
    private static readonly Lazy<JsonNode?> SampleApplication = new(() =>
    {
        using var stream = typeof(OpenApiExtensions).Assembly.GetManifestResourceStream("samples/healthy-manufacturer.json");
        return stream is null ? null : JsonNode.Parse(stream);
    });
}
