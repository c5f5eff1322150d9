using CreditDecision.Audit.Log;
using CreditDecision.Core.Contracts;

namespace CreditDecision.Audit.Finals;

/// <summary>A decision the engine referred to a credit officer, as the referral queue lists it.</summary>
/// <param name="Originator">The caller that asked for the decision: it may not record the final decision.</param>
/// <param name="AuthorityLevel">The approval level the credit needs; absent for decisions made before the authority stage.</param>
/// <param name="Reasons">Why the engine referred it (and any knock-out), worst first.</param>
/// <param name="ApprovedAmount">The engine's approved amount: its limit.</param>
public sealed record Referral(
    Guid DecisionId,
    string ApplicationId,
    string EnterpriseId,
    DateTimeOffset DecidedAt,
    string Originator,
    string? AuthorityLevel,
    IReadOnlyList<DecisionReason> Reasons,
    string Grade,
    decimal RequestedAmount,
    decimal ApprovedAmount)
{
    public static Referral From(LogRecord decision)
    {
        var engine = FinalDecisionChecks.EngineDecision(decision);
        return new Referral(engine.DecisionId, engine.ApplicationId, decision.EnterpriseId, engine.DecidedAt, decision.Caller, engine.AuthorityLevel,
            engine.Reasons, engine.Rating.Grade, engine.Limit.RequestedAmount, engine.Limit.ApprovedAmount);
    }
}

/// <summary>One page of the referral queue, oldest first.</summary>
/// <param name="Status"><c>open</c>: no final decision yet; <c>finalised</c>: a final decision closed it.</param>
public sealed record ReferralPage(
    [property: ClosedSet(ReferralStatus.Open, ReferralStatus.Finalised)] string Status, int Page, int PageSize, bool HasMore, IReadOnlyList<Referral> Items);

public static class ReferralStatus
{
    public const string Open = "open";
    public const string Finalised = "finalised";
}
