using System.Buffers;
using CreditDecision.Api.Infrastructure;
using CreditDecision.Api.Security;
using CreditDecision.Audit.Performance;
using CreditDecision.Audit.Recording;
using CreditDecision.Core.Contracts;
using CreditDecision.Core.Decisions;
using Microsoft.AspNetCore.Http.Features;
using CreditDecision.Core.Rules;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace CreditDecision.Api.Models;

/// <summary>
/// Validation of the rating model against what happened: outcomes of decided loans come in (model-risk staff, who
/// keep the evidence apart from the policy staff who set the scorecard), and the model's performance is read out.
/// </summary>
public static class ModelValidationEndpoints
{
    public const string Ndjson = NdjsonContent.MediaType;

    private const string OutcomeExample = """{ "decisionId": "019ab0c4-5f7e-7d21-9a51-3f0c2b8e4a10", "event": "default", "date": "2027-09-30" }""";

    public static void AddModelValidation(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<OutcomeRecorder>();
        builder.Services.AddSingleton<OutcomeService>();
        builder.Services.AddSingleton<PerformanceReporter>();
        builder.Services.AddOptions<ModelValidationOptions>().BindConfiguration(ModelValidationOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<OutcomeOptions>().BindConfiguration(OutcomeOptions.Section).ValidateDataAnnotations().ValidateOnStart();
    }

    public static void MapModelValidation(this IEndpointRouteBuilder routes)
    {
        routes.MapGroup("/outcomes").WithTags("Model validation").RequireRole(Roles.ModelRisk)
            .MapPost("/", RecordOutcomes)
            .WithName("RecordOutcomes")
            .ChecksCallerHeaders(CallerHeaders.RequestId)
            .WithSummary("Record what happened to decided loans: default, cure, write-off or prepayment")
            .WithDescription(
                "Send application/json (one outcome) or application/x-ndjson (one outcome per line, any number, streamed: a year of outcomes of a " +
                "whole book in one request). Each outcome names its decision by decisionId, or by applicationId (the application's latest decision), " +
                "and is appended to the decision log's hash chain as a record of kind outcome. The same event of the same decision on the same date " +
                "is recorded once, whoever sends it and however often: a repeat answers the first record with duplicate true. An unknown decision, " +
                "a date before the decision or in the future is refused naming the field (as a 400 problem for one outcome, as the line's error in " +
                "a stream). NDJSON answers line by line in input order and ends with a summary line; every line is in the log before it is sent.")
            .Accepts<LoanOutcome>("application/json", Ndjson)
            .WithMetadata(new NdjsonContent(typeof(LoanOutcome), typeof(OutcomeLine)), new RequestExample(OutcomeExample))
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        routes.MapGroup("/models").WithTags("Model validation").RequireRole(Roles.ModelRisk, Roles.Policy, Roles.Auditor)
            .MapGet("/{ruleset}/performance", Performance)
            .RequireRateLimiting(RateLimits.LogScan)
            .WithName("GetModelPerformance")
            .WithSummary("Does the rating model still rank and predict: discrimination, calibration and stability against outcomes")
            .WithDescription(
                "Over the decisions made between from and to (ISO 8601; to exclusive) that the rating ruleset scored and that were approved or " +
                "referred, those whose horizon (horizonMonths, default 12; 0 counts every loan with the defaults posted so far) has passed: a loan " +
                "defaulted if an outcome default or write-off is dated within its horizon. Split by the version of the ruleset that scored each " +
                "decision: Gini (2·AUC − 1, 95 % interval from DeLong's variance) and KS of the score (95 % interval from a stratified bootstrap " +
                "of 200 resamples with a fixed seed); per grade the count, defaults, observed rate, the grade's PD, the one-sided binomial p-value " +
                "P(X ≥ defaults), the Jeffreys interval and p-value, and a traffic light (ModelValidation:CalibrationAmber and CalibrationRed); per " +
                "factor the information value, its share of the scorecard's points and its bins; with reference=from/to (an ISO 8601 interval of " +
                "earlier decisions) the population stability index of the score (ten bands of the reference) and of each factor's bins, amber from " +
                "0.10 and red above 0.25 (ModelValidation:StabilityAmber and StabilityRed). With ?format=html the report is a self-contained page " +
                "with its charts.")
            .WithMetadata(new HtmlAlternative())
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    public static async Task<Results<Ok<PerformanceReport>, ContentHttpResult, ValidationProblem, ProblemHttpResult>> Performance(
        string ruleset, PerformanceReporter reporter, RulesHost rules, IOptions<ModelValidationOptions> options, CancellationToken cancellationToken,
        string? from = null, string? to = null, int horizonMonths = 12, string? reference = null, string? format = null)
    {
        var errors = new Dictionary<string, string[]>();
        var (start, end) = Period.Parse(from, to, errors);
        if (horizonMonths is < 0 or > PerformanceReporter.MaxHorizonMonths) errors["horizonMonths"] = [$"must be between 0 and {PerformanceReporter.MaxHorizonMonths}"];
        if (format is not (null or "json" or "html")) errors["format"] = ["must be json or html"];
        var referenceWindow = ReferenceWindow(reference, errors);
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors, title: "The performance request is not valid.");
        if (rules.Current?.All.FirstOrDefault(r => r.Name == ruleset && r.Stage == Stage.Rating) is null)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status404NotFound, title: "No such rating ruleset.", detail: $"The live rules have no rating ruleset named '{ruleset}'.");
        }
        var report = await reporter.RunAsync(new PerformanceQuery(ruleset, start, end, horizonMonths, referenceWindow), options.Value.Thresholds, cancellationToken);
        return format == "html" ? TypedResults.Text(PerformanceHtml.Render(report), "text/html; charset=utf-8") : TypedResults.Ok(report);
    }

    /// <summary>An ISO 8601 interval <c>from/to</c> of earlier decisions, both ends given.</summary>
    private static (DateTimeOffset From, DateTimeOffset To)? ReferenceWindow(string? reference, Dictionary<string, string[]> errors)
    {
        if (reference is null) return null;
        var ends = reference.Split('/');
        var parsed = new Dictionary<string, string[]>();
        var (start, end) = ends.Length == 2 ? Period.Parse(ends[0], ends[1], parsed) : default;
        if (start is { } from && end is { } to && parsed.Count == 0) return (from, to);
        errors["reference"] = ["must be an ISO 8601 interval of two dates or date-times, e.g. 2025-01-01/2026-01-01, the second after the first"];
        return null;
    }

    public static async Task<Results<Ok<RecordedOutcome>, EmptyHttpResult, ValidationProblem, ProblemHttpResult>> RecordOutcomes(
        HttpContext http, OutcomeService outcomes, CancellationToken cancellationToken)
    {
        var caller = CallerHeaders.Caller(http, CallerHeaders.RequestIdOf(http));
        var mediaType = http.Request.ContentType?.Split(';')[0].Trim().ToLowerInvariant();
        if (mediaType == Ndjson)
        {
            // A stream of outcomes is read line by line, so its size is not limited; each line is (OutcomeService.MaxLineBytes).
            if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit) bodyLimit.MaxRequestBodySize = null;
            outcomes.Snapshot();
            http.Response.ContentType = Ndjson;
            await outcomes.StreamAsync(http.Request.BodyReader, http.Response.BodyWriter, caller, cancellationToken);
            return TypedResults.Empty;
        }
        if (mediaType != "application/json")
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status415UnsupportedMediaType,
                title: "Unsupported content type.",
                detail: $"Send application/json (one outcome) or {Ndjson} (one outcome per line).");
        }

        using var body = new MemoryStream();
        await http.Request.Body.CopyToAsync(body, cancellationToken);
        var result = await outcomes.RecordAsync(new ReadOnlySequence<byte>(body.GetBuffer(), 0, (int)body.Length), caller, cancellationToken);
        return result.Recorded is { } recorded
            ? TypedResults.Ok(recorded)
            : TypedResults.ValidationProblem(result.Errors!, title: "The outcome is not valid.");
    }
}
