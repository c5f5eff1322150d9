using System.Diagnostics.Metrics;
using CreditDecision.Api.Security;
using CreditDecision.Core.Telemetry;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;

namespace CreditDecision.Api.Observability;

public static class ObservabilityExtensions
{
    /// <summary>Bucket bounds (seconds) for in-process timings: a decision takes microseconds.</summary>
    private static readonly double[] InProcessSeconds = [0.000_005, 0.000_01, 0.000_025, 0.000_05, 0.000_1, 0.000_25, 0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.1];

    /// <summary>Bucket bounds (seconds) for log commits, which wait on the disk.</summary>
    private static readonly double[] CommitSeconds = [0.000_5, 0.001, 0.002, 0.004, 0.008, 0.016, 0.032, 0.064, 0.128, 0.256, 0.512, 1, 2];

    private static readonly double[] BatchSizes = [1, 2, 4, 8, 16, 32, 64, 128, 256];

    private const string ScrapePath = "/metrics";

    /// <summary>Metrics from <see cref="ServiceMetrics"/> and ASP.NET Core, scraped in Prometheus text format at <c>/metrics</c>.</summary>
    public static void AddObservability(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ServiceMetrics>();
        builder.Services.AddOptions<MetricsOptions>().BindConfiguration(MetricsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(ServiceMetrics.MeterName)
            .AddAspNetCoreInstrumentation()
            .AddPrometheusExporter(prometheus => prometheus.ScrapeResponseCacheDurationMilliseconds = 0));
        builder.Services.ConfigureOpenTelemetryMeterProvider((services, metrics) => metrics.AddView(ViewOf(services.GetRequiredService<IMeterFactory>())));
    }

    /// <summary>
    /// Histogram buckets for the service's instruments. Instruments of another host in the process (a test's, say),
    /// the service's and ASP.NET Core's alike, are dropped: each host's meter factory makes its own meters, and each
    /// host publishes only the work it did.
    /// </summary>
    private static Func<Instrument, MetricStreamConfiguration?> ViewOf(IMeterFactory own) => instrument =>
        instrument.Meter.Scope is IMeterFactory factory && factory != own ? MetricStreamConfiguration.Drop
        : instrument.Meter.Name != ServiceMetrics.MeterName ? null
        : instrument.Name switch
        {
            ServiceMetrics.DecisionDurationName or ServiceMetrics.StageDurationName => new ExplicitBucketHistogramConfiguration { Boundaries = InProcessSeconds },
            ServiceMetrics.LogWriteDurationName => new ExplicitBucketHistogramConfiguration { Boundaries = CommitSeconds },
            ServiceMetrics.LogBatchSizeName => new ExplicitBucketHistogramConfiguration { Boundaries = BatchSizes },
            _ => null,
        };

    /// <summary>
    /// The metrics carry no personal data, but they do show a bank's volumes, outcomes and rules: by default only a
    /// key with the operator role may scrape them, and they can be kept to a port of their own (<see cref="MetricsOptions"/>).
    /// </summary>
    public static void MapObservability(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<MetricsOptions>>().Value;
        if (options.Port is { } port)
        {
            // The connection's own port, not the Host header's, which a client could set to anything.
            app.UseWhen(context => context.Request.Path.StartsWithSegments(ScrapePath) && context.Connection.LocalPort != port,
                elsewhere => elsewhere.Run(context =>
                {
                    context.Response.StatusCode = StatusCodes.Status404NotFound;
                    return Task.CompletedTask;
                }));
        }
        var scrape = app.MapPrometheusScrapingEndpoint(ScrapePath);
        if (options.RequireKey) scrape.RequireRole(Roles.Operator);
        else scrape.AllowAnonymous();
    }
}
