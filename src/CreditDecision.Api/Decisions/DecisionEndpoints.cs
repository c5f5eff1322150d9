using CreditDecision.Api.Infrastructure;
using CreditDecision.Api.Security;
using CreditDecision.Audit.Recording;
using CreditDecision.Core.Contracts;
using CreditDecision.Core.Decisions;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CreditDecision.Api.Decisions;

public static class DecisionEndpoints
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";
    public const string RequestIdHeader = "X-Request-Id";
    public const string ReplayedHeader = "Idempotent-Replayed";
    private const int MaxKeyLength = 200;

    public static void AddDecisions(this WebApplicationBuilder builder) =>
        builder.Services.AddSingleton<DecisionService>();

    public static void MapDecisions(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/").WithTags("Decisions").RequireRole(Roles.Originator);

        group.MapPost("/decide", Decide)
            .WithName("Decide")
            .WithSummary("Decide an SME loan application")
            .WithDescription(
                "Runs the rating, approval, limit, authority, pricing and early-warning rulesets on the application and returns the decision with its reasons, " +
                "the ruleset versions used and a per-rule trace. A decline is a normal 200 decision. The decision is in the decision log before the " +
                "response is sent. A retry with the same Idempotency-Key (or, without one, the same X-Request-Id) returns the stored decision with " +
                "the header Idempotent-Replayed: true; the same key with a different body is a 409. A rule that cannot be evaluated for the " +
                "application (its rules are at fault, not the request) refuses it with a 500 problem naming the ruleset and rule; nothing is logged.")
            .WithBodyLimit(routes, limits => limits.DecideBodyBytes)
            .Produces<DecisionResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status500InternalServerError)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
    }

    public static async Task<Results<ContentHttpResult, ValidationProblem>> Decide(
        LoanApplication application, DecisionRecorder recorder, HttpContext http, ILogger<DecisionRecorder> logger, CancellationToken cancellationToken)
    {
        var requestId = Header(http, RequestIdHeader);
        var idempotencyKey = Header(http, IdempotencyKeyHeader) ?? requestId;
        var errors = new Dictionary<string, string[]>();
        if (!IsValidKey(requestId)) errors[RequestIdHeader] = [InvalidKey];
        if (!IsValidKey(idempotencyKey)) errors[IdempotencyKeyHeader] = [InvalidKey];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors, title: "A request header is not valid.");

        var context = RequestContext(http, requestId, idempotencyKey);
        var decision = await recorder.DecideAsync(application, context, cancellationToken);
        DecisionLogLines.Decided(logger, decision.DecisionId, application.ApplicationId!, decision.Replayed);
        if (decision.Replayed) http.Response.Headers[ReplayedHeader] = "true";
        // The JSON the log holds, byte for byte: serialized once, not again for the response.
        return TypedResults.Text(decision.ResponseJson, "application/json; charset=utf-8");
    }

    private static string? Header(HttpContext http, string name) =>
        http.Request.Headers.TryGetValue(name, out var values) ? values.ToString() : null;

    /// <summary>
    /// Who asked and in which request, as the log records it: the name of the API key (or console user) and the
    /// caller's request id, else the server's.
    /// </summary>
    public static CallerContext RequestContext(HttpContext http, string? requestId = null, string? idempotencyKey = null) =>
        new(http.User.Identity?.Name ?? throw new InvalidOperationException("Decisions are made only for authenticated callers."),
            requestId ?? http.TraceIdentifier, idempotencyKey);

    /// <summary>Why a request id or idempotency key was refused (see <see cref="IsValidKey"/>).</summary>
    public static readonly string InvalidKey = $"must be 1 to {MaxKeyLength} printable ASCII characters";

    public static bool IsValidKey(string? key) =>
        key is null || (key.Length is > 0 and <= MaxKeyLength && key.All(c => c is >= ' ' and <= '~'));
}

/// <summary>
/// The service log's line per decision: ids only, no personal data (the decision log holds the rest). Debug level, so
/// production logs carry it only when asked (<c>Logging:LogLevel:CreditDecision.Audit.Recording.DecisionRecorder=Debug</c>).
/// </summary>
internal static partial class DecisionLogLines
{
    [LoggerMessage(Level = LogLevel.Debug, Message = "Decision {DecisionId} for application {ApplicationId} logged (replayed: {Replayed})")]
    public static partial void Decided(ILogger logger, Guid decisionId, string applicationId, bool replayed);
}
