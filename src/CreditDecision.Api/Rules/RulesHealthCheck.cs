using CreditDecision.Core.Rules;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CreditDecision.Api.Rules;

/// <summary>Healthy while a valid snapshot serves and the latest load succeeded; degraded while an older snapshot serves after a refused change.</summary>
public sealed class RulesHealthCheck(RulesHost rules) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var status = rules.Status;
        var data = new Dictionary<string, object>
        {
            ["directory"] = rules.Directory,
            ["snapshot"] = status.Active?.Id ?? "",
            ["errors"] = RulesStatusResponse.RelativeTo(rules.Directory, status.Errors).Select(e => e.ToString()).ToArray(),
        };
        var result = status.Active is null
            ? HealthCheckResult.Unhealthy("No valid rules are loaded.", data: data)
            : status.IsValid
                ? HealthCheckResult.Healthy("Rules loaded.", data)
                : HealthCheckResult.Degraded("The latest rule change was refused; the last good rules are serving.", data: data);
        return Task.FromResult(result);
    }
}
