using System.Text.Json;
using CreditDecision.Api.Challenger;
using CreditDecision.Api.Drafts;
using CreditDecision.Api.Rules;
using CreditDecision.Audit.Backtests;
using CreditDecision.Audit.Log;
using CreditDecision.Audit.Recording;
using CreditDecision.Audit.Replay;
using CreditDecision.Core.Contracts;
using CreditDecision.Core.Decisions;
using CreditDecision.Core.Rules;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;

namespace CreditDecision.Api.Infrastructure;

/// <summary>
/// The one place where exceptions become RFC 9457 problem details. Bad input is a 400 naming each field; no
/// exception text from rules or the framework reaches a client.
/// </summary>
public sealed partial class ProblemDetailsExceptionHandler(IProblemDetailsService problems, ILogger<ProblemDetailsExceptionHandler> logger)
    : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var problem = exception switch
        {
            InvalidApplicationException invalid => Validation(invalid.Errors),
            BadHttpRequestException { InnerException: JsonException json } =>
                Validation(Single(JsonErrorDescriber.Describe(json, BodyType(context)))),
            BadHttpRequestException bad => Unreadable(bad),
            RulesNotLoadedException => new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "No valid rules are loaded.",
                Detail = "Decisions resume when a valid rules folder loads; GET /health shows the rule errors.",
            },
            RuleEvaluationException rule => RuleFailure(rule),
            IdempotencyConflictException conflict => new ProblemDetails
            {
                Status = StatusCodes.Status409Conflict,
                Title = "The idempotency key was already used for a different request.",
                Detail = $"Decision {conflict.DecisionId} was made for this key with a different body. Send a new key for a new request.",
                Extensions = { ["idempotencyKey"] = conflict.Key, ["decisionId"] = conflict.DecisionId },
            },
            DecisionLogUnavailableException unavailable => LogFailure(unavailable),
            ReplayNotPossibleException replay => new ProblemDetails
            {
                Status = StatusCodes.Status422UnprocessableEntity,
                Title = "The decision cannot be replayed with those rules.",
                Detail = replay.Message,
            },
            PromotionRefusedException refused => new ProblemDetails
            {
                Status = StatusCodes.Status409Conflict,
                Title = refused.Title,
                Detail = refused.Message,
            },
            UnknownCandidateException unknown => Validation(Single(("snapshotId", unknown.Message)), "The candidate version set cannot be used."),
            InvalidBodyException body => Validation(Single(("body", body.Message)), "The request could not be read."),
            DraftRefusedException refused => new ProblemDetails { Status = refused.Status, Title = refused.Title, Detail = refused.Message },
            _ => null,
        };
        IReadOnlyList<RuleError>? refusedRules = exception switch
        {
            CandidateRuleException candidate => [candidate.Error],
            DraftFileRefusedException draftFile => draftFile.Errors,
            _ => null,
        };
        if (refusedRules is not null)
        {
            // The same answer as a rules folder that does not compile: the rules status naming each file and rule.
            await TypedResults.UnprocessableEntity(new RulesStatusResponse(false, null, refusedRules, null)).ExecuteAsync(context);
            return true;
        }
        if (problem is null) return false;

        context.Response.StatusCode = problem.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = problem,
            Exception = exception,
        });
    }

    /// <summary>A body that could not be read: a 400 names it as the field <c>body</c>; other statuses (413) say why.</summary>
    private static ProblemDetails Unreadable(BadHttpRequestException exception)
    {
        var reason = exception.Message.Contains("body was provided", StringComparison.Ordinal) || exception.Message.Contains("was not provided", StringComparison.Ordinal)
            ? "A JSON request body is required."
            : exception.Message;
        const string title = "The request could not be read.";
        return exception.StatusCode == StatusCodes.Status400BadRequest
            ? Validation(Single(("body", reason)), title)
            : new ProblemDetails { Status = exception.StatusCode, Title = title, Detail = reason };
    }

    private ProblemDetails RuleFailure(RuleEvaluationException exception)
    {
        LogRuleFailure(exception.Message);
        return new ProblemDetails
        {
            Status = StatusCodes.Status500InternalServerError,
            Title = "A rule could not be evaluated; no decision was made.",
            Detail = $"Ruleset '{exception.Ruleset}'{(exception.Rule is null ? "" : $", rule '{exception.Rule}'")}. The rule owners have been told through the service log.",
            Extensions = { ["ruleset"] = exception.Ruleset, ["version"] = exception.Version, ["rule"] = exception.Rule },
        };
    }

    private ProblemDetails LogFailure(DecisionLogUnavailableException exception)
    {
        LogUnavailable(exception.InnerException!);
        return new ProblemDetails
        {
            Status = StatusCodes.Status503ServiceUnavailable,
            Title = "The decision log is unavailable; no decision was made.",
            Detail = "Every decision is logged before it is returned. Retry with the same Idempotency-Key.",
        };
    }

    private static HttpValidationProblemDetails Validation(IReadOnlyDictionary<string, string[]> errors, string title = "The application is not valid.") =>
        new(errors.ToDictionary())
        {
            Status = StatusCodes.Status400BadRequest,
            Title = title,
        };

    private static Dictionary<string, string[]> Single((string Field, string Message) error) =>
        new() { [error.Field] = [error.Message] };

    private static Type BodyType(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType ?? typeof(LoanApplication);

    [LoggerMessage(Level = LogLevel.Error, Message = "Rule evaluation failed: {Reason}")]
    private partial void LogRuleFailure(string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "The decision log refused a write")]
    private partial void LogUnavailable(Exception exception);
}
