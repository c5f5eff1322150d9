using System.ComponentModel.DataAnnotations;

namespace CreditDecision.Api.Observability;

/// <summary>Configuration section <c>Metrics</c>: who may scrape <c>/metrics</c>, and on which port.</summary>
public sealed class MetricsOptions
{
    public const string Section = "Metrics";

    /// <summary>True (the default): a key with the operator role is needed. False: whoever reaches the endpoint may scrape it.</summary>
    public bool RequireKey { get; set; } = true;

    /// <summary>
    /// When set, <c>/metrics</c> answers only connections made to this local port, and 404 on every other. The service
    /// must listen on it as well, e.g. <c>--urls "http://0.0.0.0:8080;http://0.0.0.0:9464"</c>; expose it to the scraper only.
    /// </summary>
    [Range(1, 65535)] public int? Port { get; set; }
}
