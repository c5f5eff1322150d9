using CreditDecision.Core.Contracts;
using CreditDecision.Core.Rules;

namespace CreditDecision.Core.Decisions;

/// <summary>
/// The reasons of a decision in the words the rules give for customers, with the scorecard factors that cost the
/// most points where a reason is driven by the rating. The customer is told the reasons of the outcome (a decline's
/// knock-outs, not the referrals found beside them), which already come most important first.
/// </summary>
public static class CustomerReasons
{
    public const int MaxReasons = 4;
    public const int MaxFactors = 3;

    /// <summary>Null when the approval ruleset carries no customer texts (rules written before them).</summary>
    /// <param name="ratingTrace">The rating stage's trace, one entry per rule of the rating ruleset.</param>
    public static IReadOnlyList<CustomerReason>? Of(
        RulesetSnapshot snapshot, string outcome, IReadOnlyList<DecisionReason> reasons, StageTrace ratingTrace)
    {
        if (!snapshot[Stage.Approval].TellsCustomers) return null;
        var told = new List<CustomerReason>(MaxReasons);
        foreach (var reason in reasons.Where(r => r.Effect == outcome))
        {
            if (told.Count == MaxReasons) break;
            if (told.Exists(r => r.Code == reason.Code) || SpecOf(snapshot, reason)?.Customer is not { } text) continue;
            var factors = text.ScorecardFactors ? CostliestFactors(snapshot[Stage.Rating], ratingTrace) : null;
            told.Add(new CustomerReason(reason.Code, text.En, text.ZhHans, factors));
        }
        return told;
    }

    private static RuleSpec? SpecOf(RulesetSnapshot snapshot, DecisionReason reason)
    {
        var ruleset = snapshot.InDecisionOrder.FirstOrDefault(r => r.Name == reason.Ruleset);
        return reason.Rule switch
        {
            _ when ruleset is null => null,
            "Settings.BelowMinimum" => ruleset.Settings.BelowMinimum,
            "Settings.Referral" => ruleset.Settings.AuthorityReferral ?? ruleset.Settings.WarningReferral?.Reason,
            _ => ruleset.Rules.FirstOrDefault(rule => rule.Name == reason.Rule)?.Spec,
        };
    }

    /// <summary>Each factor's points against its best bin, for the factors that scored below it, most costly first.</summary>
    private static IReadOnlyList<CustomerFactor> CostliestFactors(CompiledRuleset rating, StageTrace trace)
    {
        if (rating.Settings.CustomerFactors is not { } texts) return [];
        var best = new Dictionary<string, decimal>(StringComparer.Ordinal);
        var scored = new Dictionary<string, decimal>(StringComparer.Ordinal);
        var order = new List<string>();
        for (var i = 0; i < rating.Rules.Length; i++)
        {
            if (rating.Rules[i].Spec.Factor is not { } factor) continue;
            var points = rating.Rules[i].Spec.Points;
            if (best.TryGetValue(factor, out var top)) best[factor] = Math.Max(top, points);
            else
            {
                best[factor] = points;
                order.Add(factor);
            }
            if (trace.Rules[i].Fired) scored[factor] = scored.GetValueOrDefault(factor) + points;
        }
        return [.. order
            .Where(factor => scored.ContainsKey(factor) && scored[factor] < best[factor] && texts.ContainsKey(factor))
            .OrderByDescending(factor => best[factor] - scored[factor])
            .Take(MaxFactors)
            .Select(factor => new CustomerFactor(factor, best[factor] - scored[factor], texts[factor].En, texts[factor].ZhHans))];
    }
}
