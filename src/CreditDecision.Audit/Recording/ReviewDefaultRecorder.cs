using System.Text.Json;
using CreditDecision.Audit.Log;
using CreditDecision.Core.Contracts;
using CreditDecision.Core.Decisions;
using CreditDecision.Core.Rules;

namespace CreditDecision.Audit.Recording;

/// <summary>
/// A review linked to the decision that granted its loan, and crossing the default definition
/// (<see cref="DefaultDefinition"/>), records that decision's <c>default</c> outcome dated the review's evaluation
/// date, through <see cref="OutcomeRecorder"/> like <c>POST /outcomes</c> and with the review's caller. One default per
/// episode: none while the decision has a default or write-off with no cure dated after it.
/// </summary>
public sealed class ReviewDefaultRecorder(IDecisionLog log, OutcomeRecorder outcomes)
{
    private const int Stripes = 64;

    // Reviews of one loan in one batch run at once: the check and the append for one decision are made one at a time.
    private readonly SemaphoreSlim[] _stripes = [.. Enumerable.Range(0, Stripes).Select(_ => new SemaphoreSlim(1, 1))];

    /// <summary>The default outcome the review recorded, once durable; null when it records none.</summary>
    public async Task<RecordedOutcome?> RecordAsync(
        LoanReview review, Origination? origination, RulesetSnapshot snapshot, CallerContext caller, CancellationToken cancellationToken)
    {
        if (origination is not { DecisionId: { } decisionId, ApplicationId: { } applicationId }) return null;
        if (!DefaultDefinition.IsCrossedBy(review, snapshot)) return null;

        var stripe = _stripes[(decisionId.GetHashCode() & int.MaxValue) % Stripes];
        await stripe.WaitAsync(cancellationToken);
        try
        {
            if (await InDefaultAsync(decisionId, applicationId, cancellationToken)) return null;
            var outcome = new LoanOutcome { DecisionId = decisionId, Event = OutcomeEvent.Default, Date = review.EvaluationDate };
            // A date the decision cannot have an outcome on (before it, or in the future) records nothing, as POST /outcomes refuses it.
            var result = await outcomes.RecordAsync(outcome, snapshot, caller, cancellationToken);
            return result.Recorded is { Duplicate: false } recorded ? recorded : null;
        }
        finally
        {
            stripe.Release();
        }
    }

    /// <summary>True when the decision's latest default or write-off has no cure dated after it.</summary>
    private async Task<bool> InDefaultAsync(Guid decisionId, string applicationId, CancellationToken cancellationToken)
    {
        DateOnly? lastDefault = null;
        DateOnly? lastCure = null;
        foreach (var record in await log.FindBySubjectAsync(RecordKinds.Outcome, applicationId, cancellationToken))
        {
            var outcome = JsonSerializer.Deserialize<LoanOutcome>(record.RequestJson, ContractJson.Options)!;
            if (outcome.DecisionId != decisionId) continue;
            var date = outcome.Date!.Value;
            if (outcome.Event is OutcomeEvent.Default or OutcomeEvent.WriteOff) lastDefault = Latest(lastDefault, date);
            if (outcome.Event is OutcomeEvent.Cure) lastCure = Latest(lastCure, date);
        }
        return lastDefault is { } defaulted && (lastCure is null || lastCure <= defaulted);
    }

    private static DateOnly Latest(DateOnly? soFar, DateOnly date) => soFar is { } earlier && earlier > date ? earlier : date;
}
