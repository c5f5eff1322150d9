using System.Text.Json.Nodes;
using CreditDecision.Api.Security;
using CreditDecision.Audit.Recording;
using Microsoft.OpenApi;

namespace CreditDecision.Api.Infrastructure;

/// <summary>The OpenAPI document at <c>/openapi/v1.json</c> and Swagger UI at <c>/swagger</c>.</summary>
public static class OpenApiExtensions
{
    public const string DocumentPath = "/openapi/v1.json";

    public static void AddOpenApiDocument(this WebApplicationBuilder builder) =>
        builder.Services.AddOpenApi(options =>
        {
            options.CreateSchemaReferenceId = ContractSchemas.ReferenceId;
            options.AddSchemaTransformer(ContractSchemas.Apply);
            options.AddOperationTransformer(ResponseDocumentation.Apply);
            options.AddOperationTransformer(Finals.FinalDecisionDocumentation.Apply);
            options.AddOperationTransformer((operation, context, _) =>
            {
                if (context.Description.ActionDescriptor.EndpointMetadata.OfType<IEndpointNameMetadata>().Any(m => m.EndpointName == "Decide")
                    && operation.RequestBody?.Content?.TryGetValue("application/json", out var body) == true)
                {
                    body.Example = SampleApplication.Value;
                }
                if (operation.Parameters?.FirstOrDefault(p => p.Name == "trace") is { Schema: OpenApiSchema trace })
                {
                    trace.Enum = [.. TraceView.Levels.Select(level => (JsonNode)JsonValue.Create(level))];
                    trace.Default = JsonValue.Create(TraceView.Default);
                }
                return Task.CompletedTask;
            });
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "CreditDecision";
                document.Info.Description =
                    "Explained, auditable credit decisions for SME loans, computed by versioned rulesets.\n\n" + ContractSchemas.DecimalRule;
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[ApiKeyAuthenticationHandler.SchemeName] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.ApiKey,
                    In = ParameterLocation.Header,
                    Name = ApiKeyAuthenticationHandler.HeaderName,
                    Description = $"An API key; its roles ({string.Join(", ", Roles.All)}) decide which endpoints it may call.",
                };
                ContractSchemas.RemoveNullFromRequiredMembers(document);
                ProblemSchemas.Replace(document);
                OperationalEndpointsDocument.Add(document);
                return Task.CompletedTask;
            });
        });

    public static void MapOpenApiDocument(this WebApplication app)
    {
        app.MapOpenApi(DocumentPath).AllowAnonymous();
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
