using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace CreditDecision.Api.Infrastructure;

/// <summary>
/// Configuration section <c>Limits</c>: the largest request body, in bytes, each endpoint reads. Kestrel enforces the
/// limit while reading, so a larger body is never buffered; it is a 413 problem naming the limit. The NDJSON stream of
/// <c>POST /monitor</c> has no total limit (a whole book), only one per line.
/// </summary>
public sealed class BodyLimits
{
    public const string Section = "Limits";
    private const long Max = 64L * 1024 * 1024;

    /// <summary><c>POST /decide</c>: an application is about 1 KB.</summary>
    [Range(1024, Max)] public long DecideBodyBytes { get; set; } = 256 * 1024;

    /// <summary><c>POST /monitor</c> with a JSON array: 1,000 loans of about 500 bytes, with room for layout.</summary>
    [Range(1024, Max)] public long MonitorArrayBodyBytes { get; set; } = 1024 * 1024;

    /// <summary><c>PUT /portfolio</c>: the shipped book is 1 KB; this holds some 15,000 borrower groups.</summary>
    [Range(1024, Max)] public long PortfolioBodyBytes { get; set; } = 1024 * 1024;

    /// <summary><c>POST /backtests</c>: the candidate's rule files; the shipped folder, cases included, is 216 KB.</summary>
    [Range(1024, Max)] public long BacktestBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Every other endpoint (a promotion, the console's forms): a few hundred bytes are enough.</summary>
    [Range(1024, Max)] public long DefaultBodyBytes { get; set; } = 16 * 1024;
}

public static class BodyLimitExtensions
{
    public static void AddBodyLimits(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<BodyLimits>().BindConfiguration(BodyLimits.Section).ValidateDataAnnotations().ValidateOnStart();
        // The server's own limit is the default: endpoints that need more say so; an endpoint added later gets this.
        builder.Services.AddOptions<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>()
            .Configure<IOptions<BodyLimits>>((kestrel, limits) => kestrel.Limits.MaxRequestBodySize = limits.Value.DefaultBodyBytes);
    }

    /// <summary>This endpoint reads bodies up to the limit <paramref name="limit"/> picks from the configured ones.</summary>
    public static RouteHandlerBuilder WithBodyLimit(this RouteHandlerBuilder builder, IEndpointRouteBuilder routes, Func<BodyLimits, long> limit) =>
        builder.WithMetadata(new RequestSizeLimitAttribute(limit(routes.ServiceProvider.GetRequiredService<IOptions<BodyLimits>>().Value)))
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
}
