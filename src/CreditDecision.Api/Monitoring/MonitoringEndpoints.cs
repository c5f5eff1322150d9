using CreditDecision.Api.Infrastructure;
using CreditDecision.Api.Security;
using CreditDecision.Audit.Recording;
using CreditDecision.Audit.Provisioning;
using CreditDecision.Core.Contracts;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace CreditDecision.Api.Monitoring;

public static class MonitoringEndpoints
{
    public const string Ndjson = NdjsonContent.MediaType;

    public static void AddMonitoring(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<MonitoringRecorder>();
        builder.Services.AddSingleton<OriginationResolver>();
        builder.Services.AddSingleton<ReviewDefaultRecorder>();
        builder.Services.AddSingleton<MonitoringService>();
    }

    public static void MapMonitoring(this IEndpointRouteBuilder routes)
    {
        routes.MapGroup("/monitor").WithTags("Monitoring").RequireRole(Roles.Originator)
            .MapPost("/", Monitor)
            .WithName("Monitor")
            .WithSummary("Post-loan review of a batch of loans on the book")
            .WithDescription(
                "Send application/x-ndjson (one loan per line, any number of loans, streamed) or application/json (an array of at most 1,000 loans). " +
                "Each loan gets its warning level, signals, recommended action on the recovery path and suggested grade, or its own error with its line " +
                "number; the other loans are unaffected. NDJSON answers line by line in input order and ends with a summary line. Every review is in " +
                "the decision log before its line is sent, and can be read and replayed like a decision. A review linked to its origination decision " +
                "that crosses the rating ruleset's default definition (more days past due than its defaultDaysPastDue) also records that decision's " +
                "default outcome, dated the review's evaluation date, unless the decision is already in default (a default or write-off with no later " +
                "cure); its line then names the outcome in defaultRecorded. Switched by Outcomes:RecordDefaultsFromReviews (on by default).")
            .ChecksCallerHeaders(CallerHeaders.RequestId)
            .Accepts<LoanReview[]>("application/json", Ndjson)
            .WithMetadata(new NdjsonContent(typeof(LoanReview), typeof(MonitoringLine), MonitoringService.MaxArrayItems))
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
    }

    public static async Task<Results<Ok<MonitoringBatchResponse>, EmptyHttpResult, ValidationProblem, ProblemHttpResult>> Monitor(
        HttpContext http, MonitoringService monitoring, IOptions<BodyLimits> limits, CancellationToken cancellationToken)
    {
        var context = CallerHeaders.Caller(http, CallerHeaders.RequestIdOf(http));
        var bodyLimit = http.Features.Get<IHttpMaxRequestBodySizeFeature>();
        var mediaType = http.Request.ContentType?.Split(';')[0].Trim().ToLowerInvariant();

        if (mediaType == Ndjson)
        {
            // A book is streamed line by line, so its size is not limited; each line is (MonitoringService.MaxLineBytes).
            if (bodyLimit is { IsReadOnly: false }) bodyLimit.MaxRequestBodySize = null;
            monitoring.Snapshot();
            http.Response.ContentType = Ndjson;
            await monitoring.StreamAsync(http.Request.BodyReader, http.Response.BodyWriter, context, cancellationToken);
            return TypedResults.Empty;
        }
        if (mediaType != "application/json")
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status415UnsupportedMediaType,
                title: "Unsupported content type.",
                detail: $"Send {Ndjson} (one loan per line) or application/json (an array of loans).");
        }

        if (bodyLimit is { IsReadOnly: false }) bodyLimit.MaxRequestBodySize = limits.Value.MonitorArrayBodyBytes;
        // Item by item, so an array longer than allowed is refused at its first extra item, not read to its end.
        var items = new List<ReadOnlyMemory<byte>>();
        await foreach (var item in JsonArrayItems.ReadAsync(
            http.Request.BodyReader, MonitoringService.MaxArrayItems + 1, ContractJson.Options.MaxDepth, "must be a JSON array of loans", cancellationToken))
        {
            if (items.Count == MonitoringService.MaxArrayItems) return NotABatch();
            items.Add(item);
        }
        if (items.Count == 0) return NotABatch();
        return TypedResults.Ok(await monitoring.ReviewAllAsync(items, context, cancellationToken));
    }

    private static ValidationProblem NotABatch() =>
        TypedResults.ValidationProblem(
            new Dictionary<string, string[]> { ["body"] = [$"must hold 1 to {MonitoringService.MaxArrayItems} loans; send larger books as {Ndjson}"] },
            title: "The request could not be read.");
}
