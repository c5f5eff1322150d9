using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace CreditDecision.Api.Security;

/// <summary>Configuration section <c>RateLimiting</c>: how much one client address, and all of them together, may ask at once.</summary>
public sealed class RateLimitingOptions
{
    public const string Section = "RateLimiting";

    /// <summary>
    /// Requests that present an API key, per client address and <see cref="ApiRequestWindowSeconds"/>, in bursts of as
    /// many (a token bucket refilled once a window). 0 turns the limit off, e.g. for a load test from one address.
    /// </summary>
    [Range(0, 1_000_000)] public int ApiRequestsPerWindow { get; set; } = 1_000;

    /// <summary>The window of <see cref="ApiRequestsPerWindow"/>, in seconds.</summary>
    [Range(1, 86_400)] public int ApiRequestWindowSeconds { get; set; } = 1;

    /// <summary>Console sign-in attempts per client address and minute.</summary>
    [Range(1, 10_000)] public int SignInsPerMinute { get; set; } = 10;

    /// <summary>Scans of the whole log (verify, rule statistics, backtests, the challenger report, exports) running at once on a node.</summary>
    [Range(1, 64)] public int ConcurrentLogScans { get; set; } = 2;

    /// <summary>Scans waiting for one of those to finish; a scan beyond them is refused with 429.</summary>
    [Range(0, 1_000)] public int LogScanQueue { get; set; } = 8;
}

/// <summary>
/// The limits, with ASP.NET Core rate limiting: API keys and console sign-ins per client address, against guessing and
/// flooding; scans of the whole log in concurrency, since each streams every record; portfolio replacements one at a time.
/// The client address is the connection's, or the forwarded one when the service runs behind a proxy with
/// <c>ASPNETCORE_FORWARDEDHEADERS_ENABLED=true</c>.
/// </summary>
public static class RateLimits
{
    /// <summary>Policy of the console's sign-in page: attempts per client address.</summary>
    public const string SignIn = "sign-in";

    /// <summary>Policy of every endpoint that reads the whole log, or a period of it, record by record.</summary>
    public const string LogScan = "log-scan";

    /// <summary>Policy of <c>PUT /portfolio</c>: one replacement is read and checked at a time.</summary>
    public const string PortfolioReplacement = "portfolio-replacement";

    public static void AddRateLimits(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<RateLimitingOptions>().BindConfiguration(RateLimitingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddRateLimiter(_ => { });
        builder.Services.AddOptions<RateLimiterOptions>().Configure<IOptions<RateLimitingOptions>>((options, configured) =>
        {
            var limits = configured.Value;
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                limits.ApiRequestsPerWindow > 0 && context.Request.Headers.ContainsKey(ApiKeyAuthenticationHandler.HeaderName)
                    ? RateLimitPartition.GetTokenBucketLimiter(ClientAddress(context), _ => new TokenBucketRateLimiterOptions
                    {
                        TokenLimit = limits.ApiRequestsPerWindow,
                        TokensPerPeriod = limits.ApiRequestsPerWindow,
                        ReplenishmentPeriod = TimeSpan.FromSeconds(limits.ApiRequestWindowSeconds),
                        QueueLimit = 0,
                    })
                    : RateLimitPartition.GetNoLimiter(""));
            options.AddPolicy(SignIn, context => HttpMethods.IsPost(context.Request.Method)
                ? RateLimitPartition.GetFixedWindowLimiter(ClientAddress(context), _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = limits.SignInsPerMinute,
                    Window = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                })
                : RateLimitPartition.GetNoLimiter(""));
            options.AddConcurrencyLimiter(LogScan, scans =>
            {
                scans.PermitLimit = limits.ConcurrentLogScans;
                scans.QueueLimit = limits.LogScanQueue;
                scans.QueueProcessingOrder = QueueProcessingOrder.OldestFirst;
            });
            options.AddConcurrencyLimiter(PortfolioReplacement, replacements =>
            {
                replacements.PermitLimit = 1;
                replacements.QueueLimit = 16;
                replacements.QueueProcessingOrder = QueueProcessingOrder.OldestFirst;
            });
            options.OnRejected = Refuse;
        });
    }

    private static string ClientAddress(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    private static async ValueTask Refuse(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var context = rejected.HttpContext;
        var policy = context.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName;
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        if (rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
        {
            context.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }
        var problem = policy switch
        {
            LogScan => new ProblemDetails
            {
                Title = "Too many scans of the decision log are running.",
                Detail = "Verify, rule statistics, backtests, challenger reports and exports read the whole log; this node runs a few at a time. Try again shortly.",
            },
            PortfolioReplacement => new ProblemDetails
            {
                Title = "Too many portfolio replacements are waiting.",
                Detail = "Portfolios are replaced one at a time. Try again shortly.",
            },
            SignIn => new ProblemDetails
            {
                Title = "Too many sign-in attempts from this address.",
                Detail = "Wait a minute before signing in again.",
            },
            _ => new ProblemDetails
            {
                Title = "Too many requests from this address.",
                Detail = "This address has sent more requests with an API key than its rate allows. Slow down and retry after the time in Retry-After.",
            },
        };
        problem.Status = StatusCodes.Status429TooManyRequests;
        problem.Type = "https://tools.ietf.org/html/rfc6585#section-4";
        await context.RequestServices.GetRequiredService<IProblemDetailsService>()
            .WriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem });
    }
}
