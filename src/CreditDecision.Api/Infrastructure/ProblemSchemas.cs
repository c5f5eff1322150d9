using System.Text.Json.Nodes;
using Microsoft.OpenApi;

namespace CreditDecision.Api.Infrastructure;

/// <summary>
/// The RFC 9457 problem documents the service writes, as the document's <c>ProblemDetails</c> and
/// <c>HttpValidationProblemDetails</c> schemas: the standard members, the <c>traceId</c> every problem carries, and
/// other extension members allowed (a 403 names <c>requiredRoles</c>, a 409 the <c>decisionId</c>). <c>detail</c>
/// is marked as the primary error message, so a generated client's exception message is the problem's detail.
/// </summary>
public static class ProblemSchemas
{
    public const string Problem = "ProblemDetails";
    public const string ValidationProblem = "HttpValidationProblemDetails";

    public static void Replace(OpenApiDocument document)
    {
        var schemas = document.Components!.Schemas!;
        schemas[Problem] = Build(validation: false);
        schemas[ValidationProblem] = Build(validation: true);
    }

    private static OpenApiSchema Build(bool validation)
    {
        var schema = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = validation
                ? "An RFC 9457 problem for bad input: errors names every bad field (by its JSON path, or the header or query parameter) with its messages."
                : "An RFC 9457 problem document.",
            Required = new HashSet<string> { "type", "title", "status", "detail", "traceId" },
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["type"] = Text("A URI identifying the kind of problem."),
                ["title"] = Text("A short summary of the kind of problem."),
                ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Description = "The HTTP status code." },
                ["detail"] = new OpenApiSchema
                {
                    Type = JsonSchemaType.String,
                    Description = "What went wrong with this request, in words.",
                    Extensions = new Dictionary<string, IOpenApiExtension> { ["x-ms-primary-error-message"] = new JsonNodeExtension(JsonValue.Create(true)) },
                },
                ["instance"] = Text("A URI identifying this occurrence."),
                ["traceId"] = Text("The request's trace identifier, for the service log."),
            },
        };
        if (validation)
        {
            schema.Required.Add("errors");
            schema.Properties["errors"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Description = "Messages per field.",
                AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } },
            };
        }
        return schema;
    }

    private static OpenApiSchema Text(string description) => new() { Type = JsonSchemaType.String, Description = description };
}
