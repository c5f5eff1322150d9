using System.Text.Json;
using CreditDecision.Core.Contracts;
using CreditDecision.Core.Rules;

namespace CreditDecision.Core.Decisions;

/// <summary>
/// The default definition outcomes are counted by, as a loan review can meet it: more days past due than the rating
/// ruleset's <c>Parameters.defaultDaysPastDue</c> (the parameter of its default trigger, 90 in the shipped rules).
/// A snapshot whose rating ruleset has no such number gives no definition, and no review crosses it.
/// </summary>
public static class DefaultDefinition
{
    public const string DaysPastDueParameter = "defaultDaysPastDue";

    public static decimal? DaysPastDue(RulesetSnapshot snapshot) =>
        snapshot.Find(Stage.Rating)?.Parameters.GetValueOrDefault(DaysPastDueParameter) is { ValueKind: JsonValueKind.Number } days
            && days.TryGetDecimal(out var value)
            ? value
            : null;

    public static bool IsCrossedBy(LoanReview review, RulesetSnapshot snapshot) =>
        DaysPastDue(snapshot) is { } limit && review.DaysPastDue > limit;
}
