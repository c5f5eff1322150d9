using System.Text.Json.Nodes;
using CreditDecision.Api.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.OpenApi;

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
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[ApiKeyAuthenticationHandler.SchemeName] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.ApiKey,
                    In = ParameterLocation.Header,
                    Name = ApiKeyAuthenticationHandler.HeaderName,
                    Description = $"An API key; its roles ({string.Join(", ", Roles.All)}) decide which endpoints it may call.",
                };
                return Task.CompletedTask;
            });
            options.AddOperationTransformer((operation, context, _) =>
            {
                if (context.Description.ActionDescriptor.EndpointMetadata.OfType<IEndpointNameMetadata>().Any(m => m.EndpointName == "Decide")
                    && operation.RequestBody?.Content?.TryGetValue("application/json", out var body) == true)
                {
                    body.Example = SampleApplication.Value;
                }
                if (RequiredRoles(context.Description.ActionDescriptor.EndpointMetadata) is { } roles)
                {
                    operation.Description = $"{operation.Description}\n\nRequires an API key with the role {string.Join(" or ", roles)}.".TrimStart();
                    operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKeyAuthenticationHandler.SchemeName, context.Document)] = [] }];
                }
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

    /// <summary>The roles an endpoint accepts: those every one of its role requirements allows; null for an open endpoint.</summary>
    private static IReadOnlyList<string>? RequiredRoles(IList<object> metadata)
    {
        var requirements = metadata.OfType<AuthorizationPolicy>()
            .SelectMany(policy => policy.Requirements.OfType<RolesAuthorizationRequirement>())
            .Select(requirement => requirement.AllowedRoles)
            .ToList();
        return requirements.Count == 0 ? null : requirements.Aggregate((a, b) => a.Intersect(b)).ToList();
    }

    /// <summary>The shipped healthy-manufacturer sample, embedded at build time, as the request example.</summary>
    private static readonly Lazy<JsonNode?> SampleApplication = new(() =>
    {
        using var stream = typeof(OpenApiExtensions).Assembly.GetManifestResourceStream("samples/healthy-manufacturer.json");
        return stream is null ? null : JsonNode.Parse(stream);
    });
}
