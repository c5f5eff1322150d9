using System.Security.Claims;
using CreditDecision.Api.Decisions;
using CreditDecision.Api.Infrastructure;
using CreditDecision.Api.Security;
using CreditDecision.Audit.Finals;
using CreditDecision.Core.Contracts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CreditDecision.Api.Finals;

/// <summary>Credit officers' final decisions on engine decisions.</summary>
public static class FinalDecisionEndpoints
{
    public static void AddFinalDecisions(this WebApplicationBuilder builder) =>
        builder.Services.AddSingleton<FinalDecisionRecorder>();

    public static void MapFinalDecisions(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/decisions").WithTags("Final decisions").RequireRole(Roles.CreditOfficer);

        group.MapPost("/{decisionId:guid}/final", Record)
            .WithName("RecordFinalDecision")
            .WithSummary("Record a credit officer's final decision on an engine decision")
            .WithDescription(
                "Appends the final decision to the decision log as its own record (kind final) linked to the engine decision, after checking: the officer's " +
                "authority level (the key's AuthorityLevel) is at least the decision's authorityLevel and the override reason's minimum level (403 naming both); " +
                "the key did not originate the application (409); the decision has no final decision yet, or the request supersedes its latest one with a " +
                "correctionReason (409); conditions and override reasons are codes of the authority ruleset's Settings.FinalDecisions (400); an override of " +
                "the engine (approving a decline, declining an approval, or an amount above its limit) gives an overrideReason (400), one that allows every " +
                "knock-out approved over and, above the limit, one that allows that (422).")
            .WithBodyLimit(routes, limits => limits.DefaultBodyBytes)
            .Produces<FinalDecision>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
    }

    public static async Task<Results<Ok<FinalDecision>, ValidationProblem, ProblemHttpResult>> Record(
        Guid decisionId, FinalDecisionRequest request, FinalDecisionRecorder recorder, HttpContext http, CancellationToken cancellationToken)
    {
        var result = await recorder.RecordAsync(decisionId, request, OfficerOf(http.User), DecisionEndpoints.RequestContext(http), cancellationToken);
        if (result.Recorded is { } final) return TypedResults.Ok(final);
        if (result.Errors is { } errors) return TypedResults.ValidationProblem(errors, title: "The final decision is not valid.");
        var refusal = result.Refusal!;
        return TypedResults.Problem(statusCode: refusal.Status, title: refusal.Title, detail: refusal.Detail,
            extensions: refusal.Extensions.ToDictionary(pair => pair.Key, pair => pair.Value));
    }

    /// <summary>The signed-in credit officer; their key's authority level was checked at start.</summary>
    public static Officer OfficerOf(ClaimsPrincipal user) =>
        new(user.Identity!.Name!, user.FindFirstValue(AuthorityLevels.ClaimType) ?? throw new InvalidOperationException("A credit officer's key carries an authority level."));
}
