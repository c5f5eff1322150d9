using System.Collections.Immutable;
using System.Text.Json;
using CreditDecision.Audit.Log;
using CreditDecision.Core.Contracts;
using CreditDecision.Core.Decisions;
using CreditDecision.Core.Rules;

namespace CreditDecision.Audit.Finals;

/// <summary>
/// The rules a final decision meets, against one engine decision and the finals already on it: separation of duties,
/// one final at a time, the officer's authority, and the override policy of the authority ruleset.
/// </summary>
/// <param name="originator">The caller that asked for the engine decision.</param>
/// <param name="finals">The final decisions already on it, in chain order.</param>
/// <param name="levels">The approval levels, lowest first.</param>
public sealed class FinalDecisionChecks(
    DecisionResponse engine, string originator, IReadOnlyList<LogRecord> finals, ImmutableArray<string> levels, FinalDecisionPolicy policy)
{
    /// <summary>
    /// Every check of a final decision, in order: the rules' policy, the request's fields, who may decide and whether
    /// a final may be added, and the override policy; the final decision as logged when all pass. The same checks
    /// record a final and replay one.
    /// </summary>
    /// <param name="finals">The final decisions already on the decision, in chain order.</param>
    public static FinalDecisionResult Evaluate(
        FinalDecisionRequest request, Officer officer, LogRecord decision, IReadOnlyList<LogRecord> finals, RulesetSnapshot snapshot, Guid id, DateTimeOffset decidedAt)
    {
        if (snapshot.Find(Stage.Authority) is not { Settings.FinalDecisions: { } policy } authority)
        {
            return FinalDecisionResult.Refused(new(FinalDecisionRefusal.AgainstPolicy, "The rules take no final decisions.",
                "The authority ruleset has no Settings.FinalDecisions: the conditions and override reasons a credit officer may give.",
                new Dictionary<string, object?>()));
        }
        var errors = Fields(request, policy);
        if (errors.Count > 0) return FinalDecisionResult.Invalid(errors);
        var check = new FinalDecisionChecks(EngineDecision(decision), decision.Caller, finals, authority.Settings.AuthorityLevels, policy);
        if (check.Refusal(request, officer) is { } refusal) return FinalDecisionResult.Refused(refusal);
        if (check.OverrideErrors(request) is { Count: > 0 } overrideErrors) return FinalDecisionResult.Invalid(overrideErrors);
        return FinalDecisionResult.Of(check.Final(request, officer, id, decidedAt));
    }

    /// <summary>The request's own fields: present where its outcome needs them, and codes the policy knows.</summary>
    public static Dictionary<string, string[]> Fields(FinalDecisionRequest request, FinalDecisionPolicy policy)
    {
        var errors = new Dictionary<string, string[]>();
        if (request.Outcome is null) errors["outcome"] = ["is required"];
        else if (!FinalOutcomes.All.Contains(request.Outcome)) errors["outcome"] = [$"must be one of {string.Join(", ", FinalOutcomes.All)}"];
        var approves = request.Outcome is { } outcome && FinalOutcomes.Approves(outcome);
        if (approves && request.ApprovedAmount is not > 0m) errors["approvedAmount"] = ["is required and more than 0 when approving"];
        if (approves && request.AnnualRate is not > 0m) errors["annualRate"] = ["is required and more than 0 when approving"];
        if (request.Outcome == FinalOutcomes.Decline && request.ApprovedAmount is not (null or 0m)) errors["approvedAmount"] = ["must be absent or 0 for a decline"];
        if (request.Outcome == FinalOutcomes.Decline && request.AnnualRate is not null) errors["annualRate"] = ["must be absent for a decline"];

        var conditions = request.Conditions ?? [];
        if (request.Outcome == FinalOutcomes.ApproveWithConditions && conditions.Count == 0)
        {
            errors["conditions"] = ["must name at least one condition for approve-with-conditions"];
        }
        else if (request.Outcome is FinalOutcomes.Approve or FinalOutcomes.Decline && conditions.Count > 0)
        {
            errors["conditions"] = [$"are given only with {FinalOutcomes.ApproveWithConditions}"];
        }
        for (var i = 0; i < conditions.Count; i++)
        {
            if (!policy.HasCondition(conditions[i])) errors[$"conditions[{i}]"] = [$"'{conditions[i]}' is not a condition of the rules; use one of {string.Join(", ", policy.Conditions.Select(c => c.Code))}"];
            else if (conditions.Take(i).Contains(conditions[i])) errors[$"conditions[{i}]"] = ["is given twice"];
        }
        if (request.OverrideReason is { } reason && policy.Reason(reason) is null)
        {
            errors["overrideReason"] = [$"'{reason}' is not an override reason of the rules; use one of {string.Join(", ", policy.OverrideReasons.Select(r => r.Code))}"];
        }
        if (request.Supersedes is not null && string.IsNullOrWhiteSpace(request.CorrectionReason)) errors["correctionReason"] = ["is required with supersedes"];
        if (request.Supersedes is null && request.CorrectionReason is not null) errors["correctionReason"] = ["is given only with supersedes"];
        return errors;
    }

    /// <summary>The knock-outs the engine gave: the reasons that declined it.</summary>
    public IReadOnlyList<string> KnockOuts { get; } = [.. engine.Reasons.Where(r => r.Effect == DecisionPipeline.Decline).Select(r => r.Code).Distinct()];

    /// <summary>
    /// The most the engine would lend: its approved amount, or for a decline the lowest cap its limit stage computed
    /// (the amount it would have granted but for the knock-outs), the requested amount when it computed none.
    /// </summary>
    public decimal EngineLimit => engine.Outcome != DecisionPipeline.Decline ? engine.Limit.ApprovedAmount
        : engine.Limit.Caps.Count > 0 ? engine.Limit.Caps.Min(cap => cap.Amount) : engine.Limit.RequestedAmount;

    /// <summary>Overrides the engine's outcome: approves what it declined, or declines what it approved.</summary>
    public bool OverridesOutcome(string outcome) =>
        (engine.Outcome == DecisionPipeline.Decline && FinalOutcomes.Approves(outcome))
        || (engine.Outcome == DecisionPipeline.Approve && outcome == FinalOutcomes.Decline);

    public bool AboveLimit(FinalDecisionRequest request) => FinalOutcomes.Approves(request.Outcome!) && request.ApprovedAmount > EngineLimit;

    /// <summary>The level the final needs: the decision's own, raised to the override reason's minimum.</summary>
    public string RequiredLevel(FinalDecisionRequest request)
    {
        var required = engine.AuthorityLevel is { } level && levels.Contains(level) ? level : levels[0];
        if (request.OverrideReason is { } code && policy.Reason(code)?.MinimumLevel is { } minimum && levels.IndexOf(minimum) > levels.IndexOf(required))
        {
            required = minimum;
        }
        return required;
    }

    /// <summary>Who may not decide, and when a final may not be added: null when neither applies.</summary>
    public FinalDecisionRefusal? Refusal(FinalDecisionRequest request, Officer officer)
    {
        if (officer.Name == originator)
        {
            return new(FinalDecisionRefusal.Conflict, "The originator of an application may not decide it.",
                $"The decision was asked for by '{originator}'; separation of duties needs another credit officer to record its final decision.",
                new Dictionary<string, object?> { ["originator"] = originator });
        }
        if (finals.Count > 0 && request.Supersedes != finals[^1].RecordId)
        {
            var latest = finals[^1].RecordId;
            var detail = request.Supersedes is null
                ? $"The decision already has the final decision {latest}. A correction is a new final decision with supersedes={latest} and a correctionReason."
                : $"A correction supersedes the latest final decision of the decision, {latest}, not {request.Supersedes}.";
            return new(FinalDecisionRefusal.Conflict, "The decision already has a final decision.", detail,
                new Dictionary<string, object?> { ["finalDecisionId"] = latest });
        }
        if (finals.Count == 0 && request.Supersedes is { } nothing)
        {
            return new(FinalDecisionRefusal.Conflict, "There is no final decision to supersede.",
                $"The decision has no final decision yet, so {nothing} cannot be superseded; leave supersedes out.", new Dictionary<string, object?>());
        }
        var required = RequiredLevel(request);
        if (levels.IndexOf(officer.AuthorityLevel) < levels.IndexOf(required))
        {
            return new(FinalDecisionRefusal.Forbidden, "The credit officer's authority is below what the decision needs.",
                $"The key '{officer.Name}' has the authority of {officer.AuthorityLevel}; this final decision needs {required}.",
                new Dictionary<string, object?> { ["officerAuthorityLevel"] = officer.AuthorityLevel, ["requiredAuthorityLevel"] = required });
        }
        return KnockOutRefusal(request) ?? LimitRefusal(request);
    }

    /// <summary>An override without its reason, or a reason where nothing is overridden: field errors.</summary>
    public Dictionary<string, string[]> OverrideErrors(FinalDecisionRequest request)
    {
        var errors = new Dictionary<string, string[]>();
        var overrides = OverridesOutcome(request.Outcome!) || AboveLimit(request);
        if (overrides && request.OverrideReason is null)
        {
            errors["overrideReason"] = [$"is required: the final decision {Overriding(request)}"];
        }
        if (!overrides && request.OverrideReason is not null)
        {
            errors["overrideReason"] = [$"is given only when the final decision overrides the engine (its outcome was {engine.Outcome}, its limit {EngineLimit})"];
        }
        return errors;
    }

    private string Overriding(FinalDecisionRequest request) => OverridesOutcome(request.Outcome!)
        ? $"is {request.Outcome} where the engine's outcome was {engine.Outcome}"
        : $"approves {request.ApprovedAmount}, above the engine's limit of {EngineLimit}";

    private FinalDecisionRefusal? KnockOutRefusal(FinalDecisionRequest request)
    {
        if (engine.Outcome != DecisionPipeline.Decline || !FinalOutcomes.Approves(request.Outcome!) || request.OverrideReason is null) return null;
        var allowed = policy.Reason(request.OverrideReason)!.KnockOuts;
        var notAllowed = KnockOuts.Where(code => !allowed.Contains(code)).ToList();
        if (notAllowed.Count == 0) return null;
        return new(FinalDecisionRefusal.AgainstPolicy, "The override reason does not allow approving these knock-outs.",
            $"The engine declined with {string.Join(", ", KnockOuts)}; the override reason {request.OverrideReason} allows approving over " +
            (allowed.IsEmpty ? "no knock-out" : string.Join(", ", allowed)) + $", not {string.Join(", ", notAllowed)}.",
            new Dictionary<string, object?> { ["knockOuts"] = notAllowed, ["overrideReason"] = request.OverrideReason });
    }

    private FinalDecisionRefusal? LimitRefusal(FinalDecisionRequest request)
    {
        if (!AboveLimit(request) || request.OverrideReason is null || policy.Reason(request.OverrideReason)!.AboveLimit) return null;
        var allowing = policy.OverrideReasons.Where(r => r.AboveLimit).Select(r => r.Code).ToList();
        return new(FinalDecisionRefusal.AgainstPolicy, "The amount is above the engine's limit without a limit-override reason.",
            $"The final decision approves {request.ApprovedAmount}, above the engine's limit of {EngineLimit}; the override reason {request.OverrideReason} " +
            $"does not allow that. Reasons that do: {string.Join(", ", allowing)}.",
            new Dictionary<string, object?> { ["engineLimit"] = EngineLimit, ["overrideReason"] = request.OverrideReason });
    }

    /// <summary>The final decision as logged.</summary>
    public FinalDecision Final(FinalDecisionRequest request, Officer officer, Guid id, DateTimeOffset decidedAt)
    {
        var approves = FinalOutcomes.Approves(request.Outcome!);
        return new FinalDecision(
            id, engine.DecisionId, engine.ApplicationId, request.Outcome!,
            approves ? request.ApprovedAmount!.Value : 0m, approves ? request.AnnualRate : null,
            request.Conditions ?? [], request.OverrideReason,
            Overridden: OverridesOutcome(request.Outcome!) || AboveLimit(request),
            KnockOuts: engine.Outcome == DecisionPipeline.Decline && approves ? KnockOuts : [],
            engine.Outcome, engine.Limit.ApprovedAmount, RequiredLevel(request), officer.Name, officer.AuthorityLevel,
            request.Supersedes, request.CorrectionReason, request.Note, decidedAt);
    }

    /// <summary>The engine decision of a decision record.</summary>
    public static DecisionResponse EngineDecision(LogRecord decision) =>
        JsonSerializer.Deserialize<DecisionResponse>(decision.ResponseJson, ContractJson.Options)!;
}
