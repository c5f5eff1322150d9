using System.Text.Json;
using CreditDecision.Api.Infrastructure;
using CreditDecision.Api.Security;
using CreditDecision.Audit.Log;
using CreditDecision.Audit.Replay;
using CreditDecision.Core.Contracts;
using CreditDecision.Core.Decisions;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CreditDecision.Api.Audit;

public static class AuditEndpoints
{
    public const int MaxPageSize = 200;
    private static readonly string[] Outcomes =
        [DecisionPipeline.Approve, DecisionPipeline.Refer, DecisionPipeline.Decline, "green", "yellow", "orange", "red", FinalOutcomes.ApproveWithConditions, .. ContractJson.WireNamesOf<OutcomeEvent>()];
    private static readonly string[] Kinds = [RecordKinds.Decision, RecordKinds.Monitoring, RecordKinds.Promotion, RecordKinds.Final, RecordKinds.Outcome];

    public static void MapAudit(this IEndpointRouteBuilder routes)
    {
        var decisions = routes.MapGroup("/decisions").WithTags("Audit").RequireRole(Roles.Auditor);

        decisions.MapGet("/", Search)
            .WithName("SearchDecisions")
            .WithSummary("Logged decisions, newest first")
            .WithDescription("Filters combine; from/to bound the decision time (ISO 8601, UTC when no offset is given; to is exclusive). kind=monitoring lists loan reviews (applicationId is then the loan id and outcome the warning level); kind=final lists credit officers' final decisions (applicationId is then the id of the decision each finalises). finalOutcome, overridden and officer list the engine decisions whose latest final decision has that outcome, overrides the engine or not, and was recorded by that officer.")
            .ProducesValidationProblem();

        decisions.MapGet("/export", Export)
            .WithName("ExportDecisions")
            .WithSummary("Full logged decisions as NDJSON, oldest first")
            .RequireRateLimiting(RateLimits.LogScan)
            .WithDescription("One JSON object per line, the same shape as GET /decisions/{decisionId}, streamed.")
            .WithMetadata(new NdjsonContent(RequestLine: null, ResponseLine: typeof(StoredDecision)))
            .ProducesValidationProblem();

        decisions.MapGet("/{decisionId:guid}", Find)
            .WithName("GetDecision")
            .WithSummary("One logged decision with its request, response, ruleset versions and chain hashes")
            .ProducesProblem(StatusCodes.Status404NotFound);

        decisions.MapPost("/{decisionId:guid}/replay", Replay)
            .WithName("ReplayDecision")
            .WithSummary("Re-evaluate a logged decision and compare with what was decided")
            .WithDescription("Without 'against' (or against=recorded) the decision is re-evaluated with its own ruleset versions and must be identical. against=current uses the live rules; against={snapshotId} uses the version set of another logged decision.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        routes.MapGroup("/audit").WithTags("Audit").RequireRole(Roles.Auditor)
            .MapGet("/verify", Verify)
            .RequireRateLimiting(RateLimits.LogScan)
            .WithName("VerifyDecisionLog")
            .WithSummary("Walk the decision log's hash chain")
            .WithDescription("Reports 'intact' with the record count and head hash, or 'broken' with the first record that fails and why.");
    }

    public static async Task<Results<Ok<StoredDecision>, ProblemHttpResult>> Find(
        Guid decisionId, IDecisionLog log, CancellationToken cancellationToken)
    {
        if (await log.FindAsync(decisionId, cancellationToken) is not { } record) return NotFound(decisionId);
        var finals = record.Kind == RecordKinds.Decision
            ? await log.FindBySubjectAsync(RecordKinds.Final, decisionId.ToString("D"), cancellationToken)
            : null;
        return TypedResults.Ok(StoredDecision.From(record, finals));
    }

    public static async Task<Results<Ok<DecisionPage>, ValidationProblem>> Search(
        IDecisionLog log,
        CancellationToken cancellationToken,
        string? applicationId = null,
        string? enterpriseId = null,
        string? outcome = null,
        string? from = null,
        string? to = null,
        string? kind = null,
        string? finalOutcome = null,
        bool? overridden = null,
        string? officer = null,
        int page = 1,
        int pageSize = 50)
    {
        var errors = new Dictionary<string, string[]>();
        var period = Period.Parse(from, to, errors);
        if (outcome is not null && !Outcomes.Contains(outcome)) errors["outcome"] = [$"must be one of {string.Join(", ", Outcomes)}"];
        if (finalOutcome is not null && !FinalOutcomes.All.Contains(finalOutcome)) errors["finalOutcome"] = [$"must be one of {string.Join(", ", FinalOutcomes.All)}"];
        if (kind is not null && !Kinds.Contains(kind)) errors["kind"] = [$"must be one of {string.Join(", ", Kinds)}"];
        if (page < 1) errors["page"] = ["must be 1 or more"];
        if (pageSize is < 1 or > MaxPageSize) errors["pageSize"] = [$"must be between 1 and {MaxPageSize}"];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors, title: "The query is not valid.");

        return TypedResults.Ok(await log.SearchAsync(
            new DecisionQuery(applicationId, enterpriseId, outcome, period.From, period.To, page, pageSize, kind)
            {
                Final = finalOutcome is null && overridden is null && officer is null ? null : new FinalQuery(finalOutcome, overridden, officer),
            },
            cancellationToken));
    }

    public static Results<PushStreamHttpResult, ValidationProblem> Export(IDecisionLog log, string? from = null, string? to = null)
    {
        var errors = new Dictionary<string, string[]>();
        var period = Period.Parse(from, to, errors);
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors, title: "The query is not valid.");

        return TypedResults.Stream(async body =>
        {
            var newline = "\n"u8.ToArray();
            await foreach (var record in log.ExportAsync(period.From, period.To, CancellationToken.None))
            {
                await JsonSerializer.SerializeAsync(body, StoredDecision.From(record), ContractJson.Options);
                await body.WriteAsync(newline);
            }
        }, "application/x-ndjson");
    }

    public static async Task<Results<Ok<ReplayResult>, ProblemHttpResult>> Replay(
        Guid decisionId, DecisionReplayer replayer, CancellationToken cancellationToken, string? against = null) =>
        await replayer.ReplayAsync(decisionId, against, cancellationToken) is { } result
            ? TypedResults.Ok(result)
            : NotFound(decisionId);

    public static async Task<Ok<ChainVerification>> Verify(IDecisionLog log, CancellationToken cancellationToken) =>
        TypedResults.Ok(await log.VerifyAsync(cancellationToken));

    private static ProblemHttpResult NotFound(Guid decisionId) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound,
        title: "No such decision.",
        detail: $"The decision log holds no decision {decisionId}.");
}
