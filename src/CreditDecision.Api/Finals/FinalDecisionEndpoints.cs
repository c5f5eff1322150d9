using System.Security.Claims;
using CreditDecision.Api.Audit;
using CreditDecision.Api.Infrastructure;
using CreditDecision.Api.Security;
using CreditDecision.Audit.Finals;
using CreditDecision.Audit.Log;
using CreditDecision.Core.Contracts;
using CreditDecision.Core.Decisions;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CreditDecision.Api.Finals;

/// <summary>Credit officers' final decisions on engine decisions.</summary>
public static class FinalDecisionEndpoints
{
    public static void AddFinalDecisions(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<FinalDecisionOptions>().BindConfiguration(FinalDecisionOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<FinalDecisionRecorder>();
    }

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

        routes.MapGroup("/referrals").WithTags("Final decisions").RequireRole(Roles.CreditOfficer, Roles.Auditor)
            .MapGet("/", Referrals)
            .WithName("ListReferrals")
            .WithSummary("The referral queue: decisions referred to a credit officer, oldest first")
            .WithDescription(
                "status=open (the default) lists the decisions the engine referred that no final decision has closed yet; status=finalised those " +
                "one has. olderThan (an ISO 8601 duration, e.g. P3D) keeps those decided at least that long ago; authorityLevel those that need that " +
                "approval level. Each item gives the reasons, the authority level, the grade and the amounts.")
            .ProducesValidationProblem();

        routes.MapGroup("/reports").WithTags("Final decisions").RequireRole(Roles.Auditor, Roles.Policy)
            .MapGet("/overrides", Overrides)
            .WithName("OverrideReport")
            .WithSummary("How often credit officers overrode the engine, and the referrals left open")
            .WithDescription(
                "Over the final decisions recorded in [from, to) that no later final superseded: counts and rates of overrides by override reason, " +
                "grade, authority level and officer; every approval over a knock-out; and the referrals open longer than FinalDecisions:OpenReferralDays. " +
                "With ?format=html a self-contained HTML page with charts.")
            .WithMetadata(new HtmlAlternative())
            .RequireRateLimiting(RateLimits.LogScan)
            .ProducesValidationProblem();
    }

    public static async Task<Results<Ok<OverrideReport>, ContentHttpResult, ValidationProblem>> Overrides(
        IDecisionLog log, TimeProvider clock, Microsoft.Extensions.Options.IOptions<FinalDecisionOptions> options, CancellationToken cancellationToken,
        string? from = null, string? to = null, string? format = null)
    {
        var errors = new Dictionary<string, string[]>();
        var (start, end) = Period.Parse(from, to, errors);
        if (format is not (null or "json" or "html")) errors["format"] = ["must be json or html"];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors, title: "The query is not valid.");

        var report = await OverrideReporter.ReportAsync(log, start, end, options.Value.OpenReferralDays, clock.GetUtcNow(), cancellationToken);
        return format == "html" ? TypedResults.Text(OverrideReportHtml.Render(report), "text/html; charset=utf-8") : TypedResults.Ok(report);
    }

    public static async Task<Results<Ok<ReferralPage>, ValidationProblem>> Referrals(
        IDecisionLog log,
        TimeProvider clock,
        CancellationToken cancellationToken,
        string status = ReferralStatus.Open,
        string? olderThan = null,
        string? authorityLevel = null,
        int page = 1,
        int pageSize = 50)
    {
        var errors = new Dictionary<string, string[]>();
        if (status is not (ReferralStatus.Open or ReferralStatus.Finalised)) errors["status"] = [$"must be {ReferralStatus.Open} or {ReferralStatus.Finalised}"];
        var age = Duration(olderThan, errors);
        if (authorityLevel is not null && !AuthorityLevels.Officers.Contains(authorityLevel)) errors["authorityLevel"] = [$"must be one of {string.Join(", ", AuthorityLevels.Officers)}"];
        if (page < 1) errors["page"] = ["must be 1 or more"];
        if (pageSize is < 1 or > AuditEndpoints.MaxPageSize) errors["pageSize"] = [$"must be between 1 and {AuditEndpoints.MaxPageSize}"];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors, title: "The query is not valid.");

        var query = new ReferralQuery(status == ReferralStatus.Finalised, olderThan is null ? null : clock.GetUtcNow() - age, authorityLevel, page, pageSize);
        var records = await log.ReferralsAsync(query, cancellationToken);
        var items = records.Take(pageSize).Select(Referral.From).ToList();
        return TypedResults.Ok(new ReferralPage(status, page, pageSize, records.Count > pageSize, items));
    }

    /// <summary>An ISO 8601 duration such as <c>P3D</c> or <c>PT12H</c>; none is zero.</summary>
    private static TimeSpan Duration(string? text, Dictionary<string, string[]> errors)
    {
        if (text is null) return TimeSpan.Zero;
        try
        {
            var duration = System.Xml.XmlConvert.ToTimeSpan(text);
            if (duration >= TimeSpan.Zero && duration <= MaxAge) return duration;
        }
        catch (FormatException)
        {
        }
        errors["olderThan"] = ["must be an ISO 8601 duration from PT0S to P3650D, e.g. P3D or PT12H"];
        return TimeSpan.Zero;
    }

    private static readonly TimeSpan MaxAge = TimeSpan.FromDays(3650);

    public static async Task<Results<Ok<FinalDecision>, ValidationProblem, ProblemHttpResult>> Record(
        Guid decisionId, FinalDecisionRequest request, FinalDecisionRecorder recorder, HttpContext http, CancellationToken cancellationToken)
    {
        var result = await recorder.RecordAsync(decisionId, request, OfficerOf(http.User), CallerHeaders.Caller(http), cancellationToken);
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
