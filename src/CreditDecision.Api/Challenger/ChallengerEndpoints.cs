using System.ComponentModel.DataAnnotations;
using CreditDecision.Api.Audit;
using CreditDecision.Api.Decisions;
using CreditDecision.Api.Infrastructure;
using CreditDecision.Api.Rules;
using CreditDecision.Api.Security;
using CreditDecision.Audit.Backtests;
using CreditDecision.Audit.Challenger;
using CreditDecision.Core.Rules;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CreditDecision.Api.Challenger;

/// <summary>The challenger as policy staff and auditors see it.</summary>
/// <param name="Configured">False when no Rules:ChallengerDirectory is set; the rest is then empty.</param>
/// <param name="Directory">The challenger folder, relative to the champion's rules folder.</param>
/// <param name="Rulesets">The challenger's live version set, or null when its folder has never loaded.</param>
/// <param name="Status">The latest load attempt of the challenger folder.</param>
/// <param name="Shadow">How the background evaluation has fared since the service started.</param>
public sealed record ChallengerState(bool Configured, string? Directory, ActiveRulesets? Rulesets, RulesStatusResponse? Status, ChallengerCounters Shadow);

/// <summary>Asks for the challenger to become the champion.</summary>
/// <param name="SnapshotId">The challenger version set that was reviewed (GET /challenger); refused if the challenger has changed since.</param>
public sealed record PromotionRequest([property: Required] string? SnapshotId);

public static class ChallengerEndpoints
{
    public static void MapChallenger(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/challenger").WithTags("Challenger").RequireRole(Roles.Policy, Roles.Auditor);

        group.MapGet("/", GetState)
            .WithName("GetChallenger")
            .WithSummary("The challenger rules, their load status, and how the shadow evaluation is keeping up");
        group.MapGet("/report", Report)
            .RequireRateLimiting(RateLimits.LogScan)
            .WithName("GetChallengerReport")
            .WithSummary("The champion's decisions of a period against what the challenger decided for the same applications")
            .WithDescription(
                "The same comparison as a backtest (outcome counts and rates, migration matrix, approved limits, mean rate and expected loss by " +
                "grade, newly firing reason codes, a page of changed decisions with their differences), computed from the challenger results the " +
                "log holds for live traffic. Decisions without a challenger result (skipped when the queue was full, or made before the challenger " +
                "existed) are counted in notShadowed. With ?format=html, the comparison as the backtest's HTML report.")
            .WithMetadata(new HtmlAlternative())
            .ProducesValidationProblem();
        group.MapPost("/promote", Promote)
            .RequireRole(Roles.Policy)
            .WithName("PromoteChallenger")
            .WithSummary("Make the challenger the champion, atomically, recorded in the decision log")
            .WithDescription(
                "The challenger folder's files replace the champion folder's and the live rules switch in one step: every decision is made " +
                "wholly under the old or wholly under the new version set. The promotion is a record of kind 'promotion' in the hash chain. " +
                "The body names the challenger snapshot that was reviewed; a challenger that changed since is refused with 409.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
    }

    public static Ok<ChallengerState> GetState(ChallengerRules challenger, ChallengerShadow shadow, RulesHost champion) =>
        TypedResults.Ok(challenger.Host is { } host
            ? new ChallengerState(true, Path.GetRelativePath(champion.Directory, host.Directory), host.Current is { } live ? ActiveRulesets.From(live) : null,
                RulesStatusResponse.From(host.Status, host.Directory), shadow.Counters)
            : new ChallengerState(false, null, null, null, shadow.Counters));

    public static async Task<Results<Ok<ChallengerReport>, ContentHttpResult, ValidationProblem>> Report(
        ChallengerReporter reporter, CancellationToken cancellationToken,
        string? from = null, string? to = null, int page = 1, int pageSize = 20, string? format = null)
    {
        var errors = new Dictionary<string, string[]>();
        var (start, end) = AuditEndpoints.Period(from, to, errors);
        if (format is not (null or "json" or "html")) errors["format"] = ["must be json or html"];
        if (page < 1) errors["page"] = ["must be 1 or more"];
        if (pageSize is < 1 or > Backtester.MaxPageSize) errors["pageSize"] = [$"must be between 1 and {Backtester.MaxPageSize}"];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors, title: "The query is not valid.");

        var report = await reporter.ReportAsync(start, end, page, pageSize, cancellationToken);
        return format == "html"
            ? TypedResults.Text(BacktestHtml.Render(report.Comparison, liveTraffic: true), "text/html; charset=utf-8")
            : TypedResults.Ok(report);
    }

    public static async Task<Results<Ok<PromotionResult>, ValidationProblem, ProblemHttpResult>> Promote(
        PromotionRequest request, ChallengerPromotion promotion, HttpContext http, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.SnapshotId))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["snapshotId"] = ["is required: the challenger snapshot that was reviewed"] });
        }
        try
        {
            return TypedResults.Ok(await promotion.PromoteAsync(request.SnapshotId, DecisionEndpoints.RequestContext(http), cancellationToken));
        }
        catch (PromotionRefusedException refused)
        {
            return TypedResults.Problem(refused.Message, statusCode: StatusCodes.Status409Conflict, title: refused.Title);
        }
    }
}
