using CreditDecision.Audit.Recording;

namespace CreditDecision.Api.Infrastructure;

/// <summary>
/// The caller's request id and idempotency key: how they are checked and how they reach the log as a
/// <see cref="CallerContext"/>.
/// </summary>
public static class CallerHeaders
{
    public const string IdempotencyKey = "Idempotency-Key";
    public const string RequestId = "X-Request-Id";
    private const int MaxKeyLength = 200;

    /// <summary>Why a request id or idempotency key was refused.</summary>
    public static readonly string InvalidKey = $"must be 1 to {MaxKeyLength} printable ASCII characters";

    /// <summary>
    /// Refuses, with a 400 naming the header, a request whose given headers are present but not 1 to 200 printable
    /// ASCII characters. It runs after the body is bound, so a bad body is reported first.
    /// </summary>
    public static RouteHandlerBuilder ChecksCallerHeaders(this RouteHandlerBuilder endpoint, params string[] headers) =>
        endpoint.AddEndpointFilter(async (context, next) =>
        {
            var invalid = headers.Where(header => !IsValidKey(Header(context.HttpContext, header))).ToDictionary(header => header, _ => new[] { InvalidKey });
            return invalid.Count > 0 ? TypedResults.ValidationProblem(invalid, title: "A request header is not valid.") : await next(context);
        });

    /// <summary>The caller's X-Request-Id, when sent.</summary>
    public static string? RequestIdOf(HttpContext http) => Header(http, RequestId);

    /// <summary>The caller's Idempotency-Key, else its X-Request-Id, when either is sent.</summary>
    public static string? IdempotencyKeyOf(HttpContext http) => Header(http, IdempotencyKey) ?? RequestIdOf(http);

    /// <summary>
    /// Who asked and in which request, as the log records it: the name of the API key (or console user) and the
    /// caller's request id, else the server's.
    /// </summary>
    public static CallerContext Caller(HttpContext http, string? requestId = null, string? idempotencyKey = null) =>
        new(http.User.Identity?.Name ?? throw new InvalidOperationException("Decisions are made only for authenticated callers."),
            requestId ?? http.TraceIdentifier, idempotencyKey);

    private static bool IsValidKey(string? key) =>
        key is null || (key.Length is > 0 and <= MaxKeyLength && key.All(c => c is >= ' ' and <= '~'));

    private static string? Header(HttpContext http, string name) =>
        http.Request.Headers.TryGetValue(name, out var values) ? values.ToString() : null;
}
