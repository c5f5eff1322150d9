using System.Buffers;
using CreditDecision.Api.Decisions;
using CreditDecision.Api.Infrastructure;
using CreditDecision.Api.Security;
using CreditDecision.Audit.Recording;
using CreditDecision.Core.Contracts;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;

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
    }

    public static void MapModelValidation(this IEndpointRouteBuilder routes)
    {
        routes.MapGroup("/outcomes").WithTags("Model validation").RequireRole(Roles.ModelRisk)
            .MapPost("/", RecordOutcomes)
            .WithName("RecordOutcomes")
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
    }

    public static async Task<Results<Ok<RecordedOutcome>, EmptyHttpResult, ValidationProblem, ProblemHttpResult>> RecordOutcomes(
        HttpContext http, OutcomeService outcomes, CancellationToken cancellationToken)
    {
        var requestId = http.Request.Headers[DecisionEndpoints.RequestIdHeader].FirstOrDefault();
        if (!DecisionEndpoints.IsValidKey(requestId))
        {
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { [DecisionEndpoints.RequestIdHeader] = [DecisionEndpoints.InvalidKey] },
                title: "A request header is not valid.");
        }
        var caller = DecisionEndpoints.RequestContext(http, requestId);
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
