using System.ComponentModel.DataAnnotations;

namespace CreditDecision.Api.Cluster;

/// <summary>Configuration section <c>Cluster</c>: how a node on a shared PostgreSQL log follows the cluster's rules.</summary>
public sealed class ClusterOptions
{
    public const string Section = "Cluster";

    /// <summary>This node's name in <c>GET /cluster</c>; empty means host name and process id.</summary>
    public string? NodeName { get; set; }

    /// <summary>Longest wait for an activation notice before the node polls the database anyway; also its report interval.</summary>
    [Range(50, 60_000)] public int PollMilliseconds { get; set; } = 1_000;

    /// <summary>Nodes not heard from for this long drop out of <c>GET /cluster</c>.</summary>
    [Range(1, 86_400)] public int ForgetAfterSeconds { get; set; } = 30;
}
