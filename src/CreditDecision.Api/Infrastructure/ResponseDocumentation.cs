using System.Text.Json.Nodes;
using CreditDecision.Api.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace CreditDecision.Api.Infrastructure;

/// <summary>
/// What each operation's metadata says beyond its typed results: the API key it needs and the 401, 403 and 429
/// problems that follow, and the NDJSON and HTML forms of a body or response.
/// </summary>
public static class ResponseDocumentation
{
    public static async Task Apply(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        DocumentSecurity(operation, context.Document!, metadata);
        if (metadata.OfType<NdjsonContent>().FirstOrDefault() is { } ndjson)
        {
            DocumentNdjson(operation, context.Document!, ndjson);
            await AddLineSchemasAsync(context, ndjson, cancellationToken);
        }
        if (operation.RequestBody is not null)
        {
            operation.Responses!["415"] = Problem(context.Document!, "The body is not in a media type this operation accepts.");
        }
        if (metadata.OfType<RequestExample>().FirstOrDefault() is { } example
            && operation.RequestBody?.Content?.TryGetValue("application/json", out var json) == true)
        {
            json.Example = JsonNode.Parse(example.Json);
        }
        if (metadata.OfType<HtmlAlternative>().Any()) Success(operation).Content!["text/html"] = new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.String } };
    }

    /// <summary>A line type that no JSON body or response of the document uses gets its schema all the same, for its x-itemSchema.</summary>
    private static async Task AddLineSchemasAsync(OpenApiOperationTransformerContext context, NdjsonContent ndjson, CancellationToken cancellationToken)
    {
        foreach (var line in new[] { ndjson.RequestLine, ndjson.ResponseLine }.OfType<Type>())
        {
            if (context.Document!.Components?.Schemas?.ContainsKey(line.Name) == true) continue;
            context.Document.AddComponent(line.Name, await context.GetOrCreateSchemaAsync(line, null, cancellationToken));
        }
    }

    private static void DocumentSecurity(OpenApiOperation operation, OpenApiDocument document, IList<object> metadata)
    {
        if (metadata.OfType<IAllowAnonymous>().Any()) return;
        RequireKey(operation, document, RequiredRoles(metadata));
    }

    /// <summary>An operation that needs an API key: its security requirement, and the problems a key can meet before the handler runs.</summary>
    /// <param name="roles">The roles it accepts; null when any valid key will do.</param>
    public static void RequireKey(OpenApiOperation operation, OpenApiDocument document, IReadOnlyList<string>? roles)
    {
        if (roles is not null)
        {
            operation.Description = $"{operation.Description}\n\nRequires an API key with the role {string.Join(" or ", roles)}.".TrimStart();
        }
        operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKeyAuthenticationHandler.SchemeName, document)] = [] }];
        operation.Responses ??= [];
        operation.Responses["401"] = Problem(document, $"No API key, an unknown key, or more than one {ApiKeyAuthenticationHandler.HeaderName} header.");
        if (roles is not null) operation.Responses["403"] = Problem(document, "The API key does not hold a role this operation accepts; requiredRoles lists them.");
        operation.Responses["429"] = Problem(document,
            "Too many requests with an API key from this address (RateLimiting:ApiKeyRequestsPerSecond), or for a scan of the whole log too many " +
            "running at once; Retry-After says when to try again.");
    }

    /// <summary>
    /// NDJSON is a stream of JSON texts, not one JSON value: its schema is text, and the schema of each line is the
    /// media type's <c>x-itemSchema</c> (the <c>itemSchema</c> of OpenAPI 3.2, for a 3.1 document).
    /// </summary>
    private static void DocumentNdjson(OpenApiOperation operation, OpenApiDocument document, NdjsonContent ndjson)
    {
        if (ndjson.RequestLine is { } request && operation.RequestBody is OpenApiRequestBody body)
        {
            body.Content![NdjsonContent.MediaType] = Lines(request);
            if (body.Content.TryGetValue("application/json", out var json) && json.Schema is OpenApiSchema array) array.MaxItems = ndjson.MaxArrayItems;
            var shape = json?.Schema is OpenApiSchema { Type: JsonSchemaType.Array }
                ? $"an array of {request.Name}"
                : $"one {request.Name}";
            body.Description = $"application/json: {shape}. {NdjsonContent.MediaType}: {LinesOf(request)}.";
        }
        if (ndjson.ResponseLine is { } response)
        {
            var success = Success(operation);
            success.Content![NdjsonContent.MediaType] = Lines(response);
            success.Description = $"{success.Description}. {NdjsonContent.MediaType}: {LinesOf(response)}.";
        }
    }

    private static string LinesOf(Type line) => $"one JSON object per line (UTF-8, each line ended by \\n), each a {line.Name} (x-itemSchema)";

    private static OpenApiMediaType Lines(Type line) => new()
    {
        Schema = new OpenApiSchema { Type = JsonSchemaType.String, Description = $"NDJSON: {LinesOf(line)}." },
        Extensions = new Dictionary<string, IOpenApiExtension>
        {
            [ItemSchema] = new JsonNodeExtension(new JsonObject { ["$ref"] = $"#/components/schemas/{line.Name}" }),
        },
    };

    /// <summary>The extension of an NDJSON media type that gives the schema of each line.</summary>
    public const string ItemSchema = "x-itemSchema";

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
