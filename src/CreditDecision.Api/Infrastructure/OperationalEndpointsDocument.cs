using System.Text.Json.Nodes;
using CreditDecision.Api.Security;
using Microsoft.OpenApi;

namespace CreditDecision.Api.Infrastructure;

/// <summary>
/// The health probes and the Prometheus scrape are mapped by ASP.NET Core's health checks and OpenTelemetry's
/// exporter, which the API explorer does not see; their operations are described here.
/// </summary>
public static class OperationalEndpointsDocument
{
    private const string HealthSchema = "HealthReport";
    private const string CheckSchema = "HealthCheckEntry";

    public static void Add(OpenApiDocument document)
    {
        document.Components!.Schemas![CheckSchema] = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = "One check's result; its description and data only for a key with the operator, policy or auditor role.",
            Required = new HashSet<string> { "status" },
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["status"] = Status(),
                ["description"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null },
                ["data"] = new OpenApiSchema { Type = JsonSchemaType.Object, Description = "What the check measured, e.g. the live snapshot or the rule errors." },
            },
        };
        document.Components.Schemas[HealthSchema] = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = "The overall status and, where given, each check's result by name.",
            Required = new HashSet<string> { "status" },
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["status"] = Status(),
                ["checks"] = new OpenApiSchema { Type = JsonSchemaType.Object, AdditionalProperties = new OpenApiSchemaReference(CheckSchema, document) },
            },
        };

        document.Tags ??= new HashSet<OpenApiTag>();
        document.Tags.Add(new OpenApiTag { Name = "Health" });
        document.Tags.Add(new OpenApiTag { Name = "Observability" });
        Health(document, "/health", "GetHealth", "Every check: rules loaded (degraded while a refused change leaves older rules serving) and the decision log answering");
        Health(document, "/health/live", "GetLiveness", "Liveness: the process answers; no check runs");
        Health(document, "/health/ready", "GetReadiness", "Readiness: valid rules are loaded and the decision log answers a read within 2 s");
        var metrics = Get(document, "Observability", "GetMetrics", "Prometheus metrics (text exposition format)", new OpenApiResponses
        {
            ["200"] = new OpenApiResponse
            {
                Description = "The metrics in Prometheus text format.",
                Content = new Dictionary<string, OpenApiMediaType> { ["text/plain"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.String } } },
            },
        });
        var scrape = metrics.Operations![HttpMethod.Get];
        scrape.Description = "Open only where Metrics:RequireKey is false (and only on Metrics:Port where that is set).";
        ResponseDocumentation.RequireKey(scrape, document, [Roles.Operator]);
        document.Paths["/metrics"] = metrics;
    }

    private static void Health(OpenApiDocument document, string path, string name, string summary)
    {
        OpenApiResponse Report(string description) => new()
        {
            Description = description,
            Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = new OpenApiSchemaReference(HealthSchema, document) } },
        };
        var probe = Get(document, "Health", name, summary, new OpenApiResponses
        {
            ["200"] = Report("Healthy or degraded."),
            ["503"] = Report("Unhealthy: a check failed."),
        });
        probe.Operations![HttpMethod.Get].Description =
            "Needs no API key. Without one each check gives its status only; a key with the operator, policy or auditor role also gets its description and data.";
        document.Paths[path] = probe;
    }

    private static OpenApiPathItem Get(OpenApiDocument document, string tag, string name, string summary, OpenApiResponses responses) => new()
    {
        Operations = new Dictionary<HttpMethod, OpenApiOperation>
        {
            [HttpMethod.Get] = new()
            {
                Tags = new HashSet<OpenApiTagReference> { new(tag, document) },
                OperationId = name,
                Summary = summary,
                Description = "Needs no API key.",
                Responses = responses,
            },
        },
    };

    private static OpenApiSchema Status() => new()
    {
        Type = JsonSchemaType.String,
        Enum = [JsonValue.Create("healthy"), JsonValue.Create("degraded"), JsonValue.Create("unhealthy")],
    };
}
