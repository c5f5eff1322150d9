using System.Text.Json;
using CreditDecision.Api.Security;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CreditDecision.Api.Health;

/// <summary>
/// <c>/health/live</c>: the process answers (no check runs). <c>/health/ready</c>: the checks tagged
/// <see cref="Ready"/> (rules loaded, decision log reachable) pass, so a load balancer may send traffic.
/// <c>/health</c>: every check. All three answer in JSON, 503 when unhealthy: without a key the status of each check
/// only; with a key of the operator, policy or auditor role also each check's description and data (rule errors,
/// the rules folder, the log's record count), which are not for the open internet.
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
        var details = DetailRoles.Any(context.User.IsInRole);
        return JsonSerializer.SerializeAsync(context.Response.Body, new
        {
            status = Name(report.Status),
            checks = report.Entries.ToDictionary(
                entry => entry.Key,
                entry => details
                    ? new { status = Name(entry.Value.Status), description = entry.Value.Description, data = entry.Value.Data }
                    : (object)new { status = Name(entry.Value.Status) }),
        });
    }

    private static readonly string[] DetailRoles = [Roles.Operator, Roles.Policy, Roles.Auditor];

    private static string Name(HealthStatus status) => status.ToString().ToLowerInvariant();
}
