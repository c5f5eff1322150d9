using System.Text.Json;
using CreditDecision.Audit.Log;
using CreditDecision.Core.Contracts;
using CreditDecision.Core.Decisions;
using CreditDecision.Core.Provisioning;
using CreditDecision.Core.Rules;

namespace CreditDecision.Audit.Provisioning;

/// <summary>The origination a review is linked to, or why the link cannot be used, keyed by field like a validation error.</summary>
public sealed record ResolvedOrigination(Origination? Origination, IReadOnlyDictionary<string, string[]>? Errors)
{
    public static readonly ResolvedOrigination NotLinked = new(null, null);
}

/// <summary>
/// Reads the origination of a review linked to the decision that granted its loan: by <c>decisionId</c>, or the latest
/// decision logged for <c>applicationId</c>. The decision must be in the log, for the same enterprise, not a decline, and
/// graded on today's master scale.
/// </summary>
public sealed class OriginationResolver(IDecisionLog log)
{
    public async Task<ResolvedOrigination> ResolveAsync(LoanReview review, RulesetSnapshot snapshot, CancellationToken cancellationToken)
    {
        // A ruleset that does not provision reads no origination: a review recorded before links existed is reviewed as it was.
        if (snapshot[Stage.Monitoring].Settings.PdTermStructure is null) return ResolvedOrigination.NotLinked;
        if (review.DecisionId is null && review.ApplicationId is null) return ResolvedOrigination.NotLinked;

        var field = review.DecisionId is not null ? "decisionId" : "applicationId";
        var record = review.DecisionId is { } id
            ? await log.FindAsync(id, cancellationToken)
            : await log.FindLatestDecisionAsync(review.ApplicationId!, cancellationToken);
        if (record is not { Kind: RecordKinds.Decision })
        {
            return Refused(field, review.DecisionId is not null ? "is not the id of a decision in the log" : "has no decision in the log");
        }
        if (review.ApplicationId is not null && record.Subject != review.ApplicationId)
        {
            return Refused("decisionId", $"is a decision on application '{record.Subject}', not on applicationId");
        }
        if (record.EnterpriseId != review.EnterpriseId) return Refused("enterpriseId", $"is not the enterprise of the origination decision ({record.EnterpriseId})");
        if (record.Outcome == DecisionPipeline.Decline) return Refused(field, "names a decision that declined the application: it granted no loan");

        var application = StoredApplication.Read(record.RequestJson);
        var decision = JsonSerializer.Deserialize<DecisionResponse>(record.ResponseJson, ContractJson.Options)!;
        if (!MonitoringPipeline.Grades(snapshot).Contains(decision.Rating.Grade))
        {
            return Refused(field, $"names a decision graded '{decision.Rating.Grade}', which is not a grade of today's master scale");
        }
        if (review.OriginationDate < decision.EvaluationDate)
        {
            return Refused("originationDate", $"must not be before the origination decision's evaluation date ({decision.EvaluationDate:yyyy-MM-dd})");
        }
        return new ResolvedOrigination(Originations.FromDecision(application, decision, review.OriginationDate), null);
    }

    private static ResolvedOrigination Refused(string field, string message) =>
        new(null, new Dictionary<string, string[]> { [field] = [message] });
}
