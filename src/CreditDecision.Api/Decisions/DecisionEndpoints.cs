using CreditDecision.Core.Contracts;
using CreditDecision.Core.Decisions;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CreditDecision.Api.Decisions;

public static class DecisionEndpoints
{
    public static void AddDecisions(this WebApplicationBuilder builder) =>
        builder.Services.AddSingleton<DecisionService>();

    public static void MapDecisions(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/").WithTags("Decisions");

        group.MapPost("/decide", Decide)
            .WithName("Decide")
            .WithSummary("Decide an SME loan application")
            .WithDescription("Runs the rating, approval, limit, pricing and early-warning rulesets on the application and returns the decision with its reasons, the ruleset versions used and a per-rule trace. A decline is a normal 200 decision.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
    }

    public static async Task<Ok<DecisionResponse>> Decide(LoanApplication application, DecisionService decisions) =>
        TypedResults.Ok(await decisions.DecideAsync(application));
}
