using CreditDecision.Audit.Log;
using CreditDecision.Audit.Recording;
using CreditDecision.Core.Contracts;
using CreditDecision.Core.Decisions;
using CreditDecision.Core.Rules;

namespace CreditDecision.Audit.Finals;

/// <summary>A credit officer: the name of their key (or console user) and their configured authority level.</summary>
public sealed record Officer(string Name, string AuthorityLevel);

/// <summary>What became of a final decision: recorded, or why not (field errors, or one refusal with its status).</summary>
public sealed record FinalDecisionResult(FinalDecision? Recorded, IReadOnlyDictionary<string, string[]>? Errors, FinalDecisionRefusal? Refusal)
{
    public static FinalDecisionResult Of(FinalDecision final) => new(final, null, null);

    public static FinalDecisionResult Invalid(Dictionary<string, string[]> errors) => new(null, errors, null);

    public static FinalDecisionResult Refused(FinalDecisionRefusal refusal) => new(null, null, refusal);
}

/// <summary>Why a final decision was refused: the HTTP status it maps to, a title and detail, and what the client may need.</summary>
public sealed record FinalDecisionRefusal(int Status, string Title, string Detail, IReadOnlyDictionary<string, object?> Extensions)
{
    public const int NotFound = 404;
    public const int Forbidden = 403;
    public const int Conflict = 409;
    public const int AgainstPolicy = 422;
}

/// <summary>
/// Record a credit officer's final decision, the use case behind <c>POST /decisions/{decisionId}/final</c>: checks it
/// against the engine decision, the officer's authority and the final-decision policy of the live authority ruleset,
/// then appends it to the log as its own record linked to the decision. Finals of this node are checked and appended
/// one at a time, so two officers cannot both record the first final of a decision here; on a cluster the final's id,
/// derived from the decision and the final it supersedes, makes the log keep only the first of two such finals.
/// </summary>
public sealed class FinalDecisionRecorder(IDecisionLog log, DecisionLogWriter writer, RulesHost rules, TimeProvider clock)
{
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);

    /// <exception cref="RulesNotLoadedException">No valid rules are loaded.</exception>
    public async Task<FinalDecisionResult> RecordAsync(
        Guid decisionId, FinalDecisionRequest request, Officer officer, CallerContext caller, CancellationToken cancellationToken)
    {
        var snapshot = rules.Current ?? throw new RulesNotLoadedException(rules.Status);
        await _oneAtATime.WaitAsync(cancellationToken);
        try
        {
            if (await log.FindAsync(decisionId, cancellationToken) is not { Kind: RecordKinds.Decision } decision)
            {
                return FinalDecisionResult.Refused(new(FinalDecisionRefusal.NotFound, "No such decision.",
                    $"The decision log holds no decision {decisionId}.", new Dictionary<string, object?>()));
            }
            var finals = await log.FindBySubjectAsync(RecordKinds.Final, decisionId.ToString("D"), cancellationToken);
            var decidedAt = RecordTime.Now(clock);
            var id = LogRecords.FinalId(decisionId, request.Supersedes);
            var result = FinalDecisionChecks.Evaluate(request, officer, decision, finals, snapshot, id, decidedAt);
            if (result.Recorded is not { } final) return result;
            var stored = await writer.AppendAsync(LogRecords.Final(request, final, decision, snapshot, caller), snapshot, portfolio: null, cancellationToken);
            return stored.Duplicate ? FinalDecisionResult.Refused(RecordedElsewhere(id)) : result;
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    private static FinalDecisionRefusal RecordedElsewhere(Guid finalDecisionId) => new(
        FinalDecisionRefusal.Conflict, "The decision already has a final decision.",
        $"Another officer recorded the final decision {finalDecisionId} at the same moment. A correction is a new final decision with supersedes={finalDecisionId} and a correctionReason.",
        new Dictionary<string, object?> { ["finalDecisionId"] = finalDecisionId });
}
