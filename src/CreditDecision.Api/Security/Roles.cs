namespace CreditDecision.Api.Security;

/// <summary>What an API key may do. A key holds one or more roles; each endpoint group names the roles it accepts.</summary>
public static class Roles
{
    /// <summary>Loan-origination systems: POST /decide and POST /monitor.</summary>
    public const string Originator = "originator";

    /// <summary>Risk policy staff: rulesets, reload and the portfolio.</summary>
    public const string Policy = "policy";

    /// <summary>Auditors: decisions, replay, export and chain verification; they may also read rulesets and the portfolio.</summary>
    public const string Auditor = "auditor";

    /// <summary>Those who run the service: GET /metrics (unless Metrics:RequireKey is false) and the details of /health.</summary>
    public const string Operator = "operator";

    /// <summary>
    /// Credit officers: final decisions on referred (and other) decisions and the referral queue, within the authority
    /// level their key carries (Auth:ApiKeys:{name}:AuthorityLevel).
    /// </summary>
    public const string CreditOfficer = "credit-officer";

    /// <summary>
    /// Model validation staff: POST /outcomes and the rating model's performance report (which policy staff and
    /// auditors may also read). Outcomes are the evidence the scorecard is judged by, so they are kept from the policy
    /// staff who set the scorecard (see docs/decisions/0015-outcomes-posted-by-model-risk.md).
    /// </summary>
    public const string ModelRisk = "model-risk";

    public static readonly IReadOnlyList<string> All = [Originator, Policy, Auditor, Operator, CreditOfficer, ModelRisk];
}
