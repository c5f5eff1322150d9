using CreditDecision.Api.Audit;
using CreditDecision.Api.Health;
using CreditDecision.Api.Security;
using CreditDecision.Audit.Cluster;
using CreditDecision.Audit.Log.Sql;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace CreditDecision.Api.Cluster;

/// <summary>What <c>GET /cluster</c> shows: the cluster's newest activation and every node heard from recently.</summary>
/// <param name="Clustered">False on a single node (SQLite log): rules come from this node's folder only.</param>
public sealed record ClusterState(bool Clustered, string? Node, RuleActivation? Active, IReadOnlyList<ClusterNode> Nodes);

/// <param name="Lag">Activations this node is behind the newest; 0 when it is on it.</param>
public sealed record ClusterNode(string Node, DateTimeOffset StartedAt, DateTimeOffset SeenAt, long? Activation, string? SnapshotId, long? Lag, string? Problem);

public static class ClusterExtensions
{
    /// <summary>With a PostgreSQL log, rules are activated through the database and every node follows them.</summary>
    public static void AddCluster(this WebApplicationBuilder builder)
    {
        if (!DecisionLogStores.IsShared(builder.Configuration[$"{DecisionLogOptions.Section}:Provider"])) return;
        builder.Services.AddOptions<ClusterOptions>().BindConfiguration(ClusterOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<ClusterRules>();
        builder.Services.AddSingleton<IActivationNumbers>(services => services.GetRequiredService<ClusterRules>());
        builder.Services.AddHostedService(services => services.GetRequiredService<ClusterRules>());
        builder.Services.AddHealthChecks().AddCheck<ClusterHealthCheck>("cluster", tags: [HealthEndpoints.Ready]);
    }

    public static void MapCluster(this IEndpointRouteBuilder routes) =>
        routes.MapGroup("/cluster").WithTags("Cluster").RequireRole(Roles.Policy, Roles.Auditor)
            .MapGet("/", GetState)
            .WithName("GetCluster")
            .WithSummary("The cluster's active rules and every node heard from recently, with its activation and lag");

    public static async Task<Ok<ClusterState>> GetState(IServiceProvider services, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (services.GetService<ClusterRules>() is not { } cluster) return TypedResults.Ok(new ClusterState(false, null, null, []));
        var store = services.GetRequiredService<IClusterRuleStore>();
        var forget = TimeSpan.FromSeconds(services.GetRequiredService<IOptions<ClusterOptions>>().Value.ForgetAfterSeconds);
        var active = await store.ReadActiveAsync(cancellationToken);
        var nodes = await store.ReadNodesAsync(clock.GetUtcNow() - forget, cancellationToken);
        return TypedResults.Ok(new ClusterState(true, cluster.Node, active, [.. nodes.Select(n => new ClusterNode(
            n.Node, n.StartedAt, n.SeenAt, n.Activation, n.SnapshotId, active is null || n.Activation is null ? null : active.Activation - n.Activation, n.Problem))]));
    }
}

/// <summary>Ready while this node decides on the cluster's newest rules; not ready, with the reason, while it is behind.</summary>
public sealed class ClusterHealthCheck(ClusterRules cluster) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object> { ["node"] = cluster.Node, ["activation"] = cluster.Current?.Activation ?? 0 };
        return Task.FromResult(cluster.Problem is { } problem
            ? HealthCheckResult.Unhealthy(problem, data: data)
            : HealthCheckResult.Healthy("On the cluster's active rules.", data));
    }
}
