using CreditDecision.Audit.Log;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CreditDecision.Api.Audit;

/// <summary>Healthy when the decision log answers a read of its chain head within two seconds.</summary>
public sealed class DecisionLogHealthCheck(IDecisionLog log) : IHealthCheck
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(2);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Limit);
        try
        {
            var head = await log.ReadHeadAsync(timeout.Token);
            return HealthCheckResult.Healthy("The decision log is reachable.", new Dictionary<string, object> { ["records"] = head.Position });
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"The decision log cannot be read: {ex.GetType().Name}: {ex.Message}");
        }
    }
}
