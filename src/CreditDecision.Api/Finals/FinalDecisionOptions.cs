using System.ComponentModel.DataAnnotations;

namespace CreditDecision.Api.Finals;

/// <summary>Configuration section <c>FinalDecisions</c>.</summary>
public sealed class FinalDecisionOptions
{
    public const string Section = "FinalDecisions";

    /// <summary>The override report lists referrals left open longer than this many days.</summary>
    [Range(1, 365)] public int OpenReferralDays { get; set; } = 5;
}
