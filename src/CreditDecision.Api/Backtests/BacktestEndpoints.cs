using System.ComponentModel.DataAnnotations;
using System.Text.Json.Nodes;
using CreditDecision.Api.Infrastructure;
using CreditDecision.Api.Rules;
using CreditDecision.Api.Security;
using CreditDecision.Audit.Backtests;
using CreditDecision.Core.Rules;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CreditDecision.Api.Backtests;

/// <summary>
/// A backtest request: candidate rules as the files of a rules folder (name to JSON content, cases files
/// included), or the id of a version set some logged decision used; and the period of logged decisions to re-decide.
/// </summary>
public sealed record BacktestRequest(
    IReadOnlyDictionary<string, JsonNode>? Files = null,
    string? SnapshotId = null,
    DateTimeOffset? From = null,
    DateTimeOffset? To = null,
    [property: Range(1, Backtester.MaxPageSize)] int Page = 1,
    [property: Range(1, Backtester.MaxPageSize)] int PageSize = 20);

public static class BacktestEndpoints
{
    public static void AddBacktests(this WebApplicationBuilder builder) => builder.Services.AddSingleton<Backtester>();

    public static void MapBacktests(this IEndpointRouteBuilder routes) =>
        routes.MapGroup("/backtests").WithTags("Backtests").RequireRole(Roles.Policy)
            .MapPost("/", Run)
            .WithBodyLimit(routes, limits => limits.BacktestBodyBytes)
            .RequireRateLimiting(RateLimits.LogScan)
            .WithName("RunBacktest")
            .WithSummary("What candidate rules would have decided for the logged decisions of a period")
            .WithDescription(
                "Re-evaluates every logged decision between from and to (each with its own application and portfolio version) under the candidate " +
                "rules and compares with what was decided: outcome counts and rates, the migration matrix, approved limits, mean rate and expected " +
                "loss by grade, reason codes that newly fire, and a page of the changed decisions with their differences. The candidate is either " +
                "the files of a rules folder, which must compile with every file check a live folder passes (422 with the errors otherwise; " +
                "its cases are run and those that fail are listed in caseFailures; a rule that cannot be evaluated for a case, or for a logged decision, is a 422 " +
                "naming it), or the snapshotId of a version set some logged decision used (400 naming snapshotId when the log cannot give it). " +
                "With ?format=html the report is a self-contained HTML page with charts for a risk committee.")
            .WithMetadata(new HtmlAlternative())
            .ProducesValidationProblem();

    public static async Task<Results<Ok<BacktestReport>, ContentHttpResult, ValidationProblem, UnprocessableEntity<RulesStatusResponse>>> Run(
        BacktestRequest request, Backtester backtester, CancellationToken cancellationToken, string? format = null)
    {
        var errors = new Dictionary<string, string[]>();
        if (format is not (null or "json" or "html")) errors["format"] = ["must be json or html"];
        if ((request.Files is null) == (request.SnapshotId is null)) errors["files"] = ["give the candidate as files or as snapshotId, one of the two"];
        if (request.Page < 1) errors["page"] = ["must be 1 or more"];
        if (request.PageSize is < 1 or > Backtester.MaxPageSize) errors["pageSize"] = [$"must be between 1 and {Backtester.MaxPageSize}"];
        if (request.Files?.Keys.FirstOrDefault(name => !CandidateFolder.IsRuleFileName(name)) is { } bad) errors[$"files.{bad}"] = ["must be a plain file name ending in .json"];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors, title: "The backtest request is not valid.");

        RulesetSnapshot candidate;
        IReadOnlyList<RuleError> caseFailures = [];
        if (request.Files is { } files)
        {
            var (loaded, failures) = CandidateFolder.Load(files.ToDictionary(f => f.Key, f => System.Text.Encoding.UTF8.GetBytes(f.Value.ToJsonString())));
            if (loaded.Snapshot is null) return TypedResults.UnprocessableEntity(new RulesStatusResponse(false, null, loaded.Errors, null));
            (candidate, caseFailures) = (loaded.Snapshot, failures);
        }
        else
        {
            candidate = await backtester.LoggedCandidateAsync(request.SnapshotId!, cancellationToken);
        }
        var report = await backtester.RunAsync(candidate, caseFailures, request.From, request.To, request.Page, request.PageSize, cancellationToken);
        return format == "html" ? TypedResults.Text(BacktestHtml.Render(report), "text/html; charset=utf-8") : TypedResults.Ok(report);
    }
}
