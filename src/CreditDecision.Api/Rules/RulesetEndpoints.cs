using System.Text.Json.Nodes;
using CreditDecision.Api.Audit;
using CreditDecision.Api.Security;
using CreditDecision.Audit.Cluster;
using CreditDecision.Audit.Log;
using CreditDecision.Core.Rules;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CreditDecision.Api.Rules;

/// <summary>What risk policy staff see of the live rules: the active versions, the archive, the load status.</summary>
public static class RulesetEndpoints
{
    public static void MapRulesets(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/rulesets").WithTags("Rulesets").RequireRole(Roles.Policy, Roles.Auditor);

        group.MapGet("/", GetActive)
            .WithName("GetRulesets")
            .WithSummary("The active rulesets: one immutable snapshot, one ruleset per stage")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        group.MapGet("/status", GetStatus)
            .WithName("GetRulesStatus")
            .WithSummary("Whether the latest change to the rules folder went live, and why not");
        group.MapPost("/reload", Reload)
            .RequireRole(Roles.Policy)
            .WithName("ReloadRules")
            .WithSummary("Rescan the rules folder now and activate it if valid");
        group.MapGet("/{name}/stats", GetStatistics)
            .RequireRole(Roles.Policy)
            .RequireRateLimiting(RateLimits.LogScan)
            .WithName("GetRuleStatistics")
            .WithSummary("How often each rule of a ruleset fired in the logged decisions of a period, per version")
            .WithDescription(
                "Counted from the decision log's traces (every node, across restarts): per ruleset version, the decisions (or loan reviews, for " +
                "the monitoring ruleset) that ran it, and per rule how many times it fired and the share of those it fired in.")
            .ProducesValidationProblem();
        group.MapGet("/{name}/versions/{version}", GetVersion)
            .WithName("GetRulesetVersion")
            .WithSummary("The exact content of any ruleset version that has ever been live")
            .WithDescription("The ruleset file as it went live: a RulesEngine workflow with the additions described by rules/schema/ruleset.schema.json.")
            .Produces<JsonObject>(StatusCodes.Status200OK, "application/json")
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    public static Results<Ok<ActiveRulesets>, ProblemHttpResult> GetActive(RulesHost rules, IServiceProvider services) =>
        rules.Current is { } snapshot
            ? TypedResults.Ok(ActiveRulesets.From(snapshot) with { Activation = services.GetService<IActivationNumbers>()?.ActivationOf(snapshot) })
            : TypedResults.Problem(title: "No valid rules are loaded.", detail: "GET /rulesets/status shows why.", statusCode: StatusCodes.Status503ServiceUnavailable);

    public static Ok<RulesStatusResponse> GetStatus(RulesHost rules) => TypedResults.Ok(RulesStatusResponse.From(rules.Status, rules.Directory));

    public static async Task<Results<Ok<RulesStatusResponse>, UnprocessableEntity<RulesStatusResponse>>> Reload(RulesActivation activation, RulesHost rules)
    {
        var status = RulesStatusResponse.From(await activation.ReloadNowAsync(), rules.Directory);
        return status.Valid ? TypedResults.Ok(status) : TypedResults.UnprocessableEntity(status);
    }

    public static async Task<Results<Ok<RulesetStatistics>, ValidationProblem>> GetStatistics(
        string name, IDecisionLog log, CancellationToken cancellationToken, string? from = null, string? to = null)
    {
        var errors = new Dictionary<string, string[]>();
        var (start, end) = AuditEndpoints.Period(from, to, errors);
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors, title: "The query is not valid.");
        return TypedResults.Ok(await RuleStatisticsReader.ReadAsync(log, name, start, end, cancellationToken));
    }

    public static Results<FileContentHttpResult, ProblemHttpResult> GetVersion(string name, string version, RulesHost rules) =>
        rules.Archive.Find(name, version) is { } content
            ? TypedResults.File(content, "application/json")
            : TypedResults.Problem(title: "No such ruleset version.", detail: $"Ruleset '{name}' has no archived version '{version}'.", statusCode: StatusCodes.Status404NotFound);
}

/// <summary>The live snapshot.</summary>
/// <param name="Snapshot">SHA-256 naming the whole set of versions.</param>
/// <param name="LoadedAt">When this snapshot went live.</param>
/// <param name="Activation">The cluster activation number of this set (PostgreSQL log); null on a single node.</param>
public sealed record ActiveRulesets(string Snapshot, DateTimeOffset LoadedAt, IReadOnlyList<RulesetSummary> Rulesets, long? Activation = null)
{
    public static ActiveRulesets From(RulesetSnapshot snapshot) => new(
        snapshot.Id,
        snapshot.LoadedAt,
        [.. snapshot.All.Select(r => new RulesetSummary(
            r.Name, r.Stage.WireName(), r.Version, r.Label, r.EffectiveDate, r.Rules.Length, snapshot.LoadedAt, Path.GetFileName(r.SourceFile)))]);
}

/// <summary>One active ruleset.</summary>
/// <param name="RuleCount">Enabled rules.</param>
public sealed record RulesetSummary(
    string Name, string Stage, string Version, string? Label, DateOnly? EffectiveDate, int RuleCount, DateTimeOffset LoadedAt, string SourceFile);

/// <summary>The latest load attempt.</summary>
/// <param name="Valid">True when the folder as it is now is live.</param>
/// <param name="Errors">Why the folder was refused: file (relative to the rules folder; <c>.</c> for the folder itself), ruleset, rule, expression and reason.</param>
/// <param name="ActiveSnapshot">The snapshot serving decisions (the last good one when the folder was refused).</param>
public sealed record RulesStatusResponse(bool Valid, DateTimeOffset? AttemptedAt, IReadOnlyList<RuleError> Errors, string? ActiveSnapshot)
{
    public static RulesStatusResponse From(RulesStatus status, string folder) =>
        new(status.IsValid, status.AttemptedAt, RelativeTo(folder, status.Errors), status.Active?.Id);

    /// <summary>Errors as a client sees them: each file named relative to its rules folder, never by the server's path.</summary>
    public static IReadOnlyList<RuleError> RelativeTo(string folder, IReadOnlyList<RuleError> errors) =>
        [.. errors.Select(error => Path.IsPathRooted(error.File) ? error with { File = Path.GetRelativePath(folder, error.File) } : error)];
}
