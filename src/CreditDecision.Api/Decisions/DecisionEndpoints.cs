using CreditDecision.Api.Infrastructure;
using CreditDecision.Api.Security;
using CreditDecision.Audit.Recording;
using CreditDecision.Core.Contracts;
using CreditDecision.Core.Decisions;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CreditDecision.Api.Decisions;

public static class DecisionEndpoints
{
    public const string ReplayedHeader = "Idempotent-Replayed";

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
                "application (its rules are at fault, not the request) refuses it with a 500 problem naming the ruleset and rule; nothing is logged. " +
                "The query parameter trace says how much of the per-rule trace the response carries: fired (the default: per stage, the rules that " +
                "fired), full (every rule evaluated) or none (no stages). The log keeps the full trace whatever is asked for: GET /decisions/{decisionId} " +
                "and replays give every rule's result.")
            .WithBodyLimit(routes, limits => limits.DecideBodyBytes)
            .ChecksCallerHeaders(CallerHeaders.RequestId, CallerHeaders.IdempotencyKey)
            .Produces<DecisionResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status500InternalServerError)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
    }

    /// <param name="trace">fired (default), full or none: how much of the per-rule trace the response carries.</param>
    public static async Task<Results<ContentHttpResult, ValidationProblem>> Decide(
        LoanApplication application, DecisionRecorder recorder, HttpContext http, ILogger<DecisionRecorder> logger, CancellationToken cancellationToken,
        string? trace = null)
    {
        var traceLevel = trace ?? TraceView.Default;
        if (!TraceView.Levels.Contains(traceLevel))
        {
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { ["trace"] = [$"must be one of {string.Join(", ", TraceView.Levels)}"] }, title: "The query is not valid.");
        }
        var context = CallerHeaders.Caller(http, CallerHeaders.RequestIdOf(http), CallerHeaders.IdempotencyKeyOf(http));
        var decision = await recorder.DecideAsync(application, context, cancellationToken);
        DecisionLogLines.Decided(logger, decision.DecisionId, application.ApplicationId!, decision.Replayed);
        if (decision.Replayed) http.Response.Headers[ReplayedHeader] = "true";
        // The JSON the log holds, serialized once: the whole of it, or with its trace cut to the level asked for.
        return TypedResults.Text(decision.Body(traceLevel), "application/json; charset=utf-8");
    }

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
