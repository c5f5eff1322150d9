using System.ComponentModel.DataAnnotations;

namespace CreditDecision.Core.Contracts;

/// <summary>
/// What happened to a decided loan, sent to <c>POST /outcomes</c> so the rating model can be validated against it.
/// The decision is named by <c>decisionId</c> or by <c>applicationId</c> (its latest decision), one of the two.
/// </summary>
public sealed record LoanOutcome
{
    /// <summary>The decision the loan was granted on.</summary>
    public Guid? DecisionId { get; init; }

    /// <summary>The application the loan was granted on, when the decision id is not at hand: its latest decision is meant.</summary>
    [StringLength(64, MinimumLength = 1)] public string? ApplicationId { get; init; }

    /// <summary><c>default</c> (90 days past due, or as the rating ruleset's default definition says), <c>cure</c> (performing again after a default), <c>write-off</c> (counted as a default) or <c>prepayment</c> (repaid early).</summary>
    [Required] public OutcomeEvent? Event { get; init; }

    /// <summary>The business date of the event; not before the decision and not in the future.</summary>
    [Required] public DateOnly? Date { get; init; }
}

/// <summary>A performance event of a loan.</summary>
public enum OutcomeEvent
{
    Default,
    Cure,
    WriteOff,
    Prepayment,
}

/// <summary>An outcome as the log holds it.</summary>
/// <param name="OutcomeId">The record's id: the same for the same decision, event and date, so a repeated event is recorded once.</param>
/// <param name="Position">Its place in the log's hash chain.</param>
/// <param name="Duplicate">True when this event was already recorded: nothing new was written and the first record is returned.</param>
/// <param name="RecordedAt">When the outcome was first recorded.</param>
/// <param name="RecordedBy">The caller who first recorded it.</param>
public sealed record RecordedOutcome(
    Guid OutcomeId,
    Guid DecisionId,
    string ApplicationId,
    [property: ClosedSet(typeof(OutcomeEvent))] string Event,
    DateOnly Date,
    long Position,
    DateTimeOffset RecordedAt,
    string RecordedBy,
    bool Duplicate);
