namespace CreditDecision.Api.Models;

/// <summary>
/// Configuration section <c>Outcomes</c>. With <see cref="RecordDefaultsFromReviews"/> on, a monitoring review linked
/// to its origination decision that crosses the rating ruleset's default definition records that decision's
/// <c>default</c> outcome itself (see <see cref="CreditDecision.Audit.Recording.ReviewDefaultRecorder"/>); off, defaults come only
/// from <c>POST /outcomes</c>.
/// </summary>
public sealed class OutcomeOptions
{
    public const string Section = "Outcomes";

    public bool RecordDefaultsFromReviews { get; set; } = true;
}
