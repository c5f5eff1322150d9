using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CreditDecision.Api.Health;

/// <summary>
/// <c>/health/live</c>: the process answers (no check runs). <c>/health/ready</c>: the checks tagged
/// <see cref="Ready"/> (rules loaded, decision log reachable) pass, so a load balancer may send traffic.
/// <c>/health</c>: every check. All three answer with each check's detail in JSON, 503 when unhealthy.
/// </summary>
public static class HealthEndpoints
{
    public const string Ready = "ready";

    public static void MapHealth(this IEndpointRouteBuilder routes)
    {
        Map(routes, "/health", _ => true);
        Map(routes, "/health/live", _ => false);
        Map(routes, "/health/ready", check => check.Tags.Contains(Ready));
    }

    private static void Map(IEndpointRouteBuilder routes, string path, Func<HealthCheckRegistration, bool> predicate) =>
        routes.MapHealthChecks(path, new HealthCheckOptions
        {
            Predicate = predicate,
            ResponseWriter = WriteDetail,
            ResultStatusCodes =
            {
                [HealthStatus.Healthy] = StatusCodes.Status200OK,
                [HealthStatus.Degraded] = StatusCodes.Status200OK,
                [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
            },
        }).AllowAnonymous();

    private static Task WriteDetail(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        return JsonSerializer.SerializeAsync(context.Response.Body, new
        {
            status = report.Status.ToString().ToLowerInvariant(),
            checks = report.Entries.ToDictionary(
                entry => entry.Key,
                entry => new { status = entry.Value.Status.ToString().ToLowerInvariant(), description = entry.Value.Description, data = entry.Value.Data }),
        });
    }
}
