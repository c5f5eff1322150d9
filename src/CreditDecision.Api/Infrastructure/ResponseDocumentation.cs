using CreditDecision.Api.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace CreditDecision.Api.Infrastructure;

/// <summary>
/// What each operation's metadata says beyond its typed results: the API key it needs and the 401 and 403 problems
/// that follow, and the NDJSON and HTML forms of a body or response.
/// </summary>
public static class ResponseDocumentation
{
    public static Task Apply(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        DocumentSecurity(operation, context.Document!, metadata);
        if (metadata.OfType<NdjsonContent>().FirstOrDefault() is { } ndjson) DocumentNdjson(operation, context.Document!, ndjson);
        if (operation.RequestBody is not null)
        {
            operation.Responses!["415"] = Problem(context.Document!, "The body is not in a media type this operation accepts.");
        }
        foreach (var alternative in metadata.OfType<ProblemAlternative>())
        {
            if (operation.Responses?.GetValueOrDefault(alternative.Status.ToString(System.Globalization.CultureInfo.InvariantCulture)) is OpenApiResponse response)
            {
                response.Content!["application/problem+json"] = new OpenApiMediaType { Schema = new OpenApiSchemaReference(ProblemSchemas.Problem, context.Document) };
            }
        }
        if (metadata.OfType<HtmlAlternative>().Any()) Success(operation).Content!["text/html"] = new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.String } };
        return Task.CompletedTask;
    }

    private static void DocumentSecurity(OpenApiOperation operation, OpenApiDocument document, IList<object> metadata)
    {
        if (metadata.OfType<IAllowAnonymous>().Any()) return;
        var roles = RequiredRoles(metadata);
        if (roles is not null)
        {
            operation.Description = $"{operation.Description}\n\nRequires an API key with the role {string.Join(" or ", roles)}.".TrimStart();
        }
        operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKeyAuthenticationHandler.SchemeName, document)] = [] }];
        operation.Responses ??= [];
        operation.Responses["401"] = Problem(document, $"No API key, an unknown key, or more than one {ApiKeyAuthenticationHandler.HeaderName} header.");
        if (roles is not null) operation.Responses["403"] = Problem(document, "The API key does not hold a role this operation accepts; requiredRoles lists them.");
    }

    private static void DocumentNdjson(OpenApiOperation operation, OpenApiDocument document, NdjsonContent ndjson)
    {
        const string lines = "one JSON object per line (UTF-8, lines separated by \\n)";
        if (ndjson.RequestLine is { } request && operation.RequestBody is OpenApiRequestBody body)
        {
            body.Content![NdjsonContent.MediaType] = new OpenApiMediaType { Schema = new OpenApiSchemaReference(request.Name, document) };
            body.Description = $"application/json: the JSON schema below. {NdjsonContent.MediaType}: {lines}, each a {request.Name}.";
        }
        if (ndjson.ResponseLine is { } response)
        {
            var success = Success(operation);
            success.Content![NdjsonContent.MediaType] = new OpenApiMediaType { Schema = new OpenApiSchemaReference(response.Name, document) };
            success.Description = $"{success.Description}. {NdjsonContent.MediaType}: {lines}, each a {response.Name}.";
        }
    }

    private static OpenApiResponse Success(OpenApiOperation operation)
    {
        operation.Responses ??= [];
        if (operation.Responses.TryGetValue("200", out var existing) && existing is OpenApiResponse response)
        {
            response.Content ??= new Dictionary<string, OpenApiMediaType>();
            return response;
        }
        var created = new OpenApiResponse { Description = "OK", Content = new Dictionary<string, OpenApiMediaType>() };
        operation.Responses["200"] = created;
        return created;
    }

    public static OpenApiResponse Problem(OpenApiDocument document, string description) => new()
    {
        Description = description,
        Content = new Dictionary<string, OpenApiMediaType>
        {
            ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference(ProblemSchemas.Problem, document) },
        },
    };

    /// <summary>The roles an endpoint accepts: those every one of its role requirements allows; null when it names none.</summary>
    private static IReadOnlyList<string>? RequiredRoles(IList<object> metadata)
    {
        var requirements = metadata.OfType<AuthorizationPolicy>()
            .SelectMany(policy => policy.Requirements.OfType<RolesAuthorizationRequirement>())
            .Select(requirement => requirement.AllowedRoles)
            .ToList();
        return requirements.Count == 0 ? null : requirements.Aggregate((a, b) => a.Intersect(b)).ToList();
    }
}
