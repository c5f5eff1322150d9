namespace CreditDecision.Core.Rules;

/// <summary>
/// What a customer is told, in English and Simplified Chinese: a reason for a decline or referral, or a scorecard
/// factor. Written by policy staff beside the reason code, in plain words without internal codes or grade names.
/// </summary>
/// <param name="ScorecardFactors">
/// A reason driven by the rating: the customer is also told which scorecard factors cost the most points.
/// </param>
public sealed record CustomerText(string En, string ZhHans, bool ScorecardFactors = false);
