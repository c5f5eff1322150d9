using CreditDecision.Core.Contracts;

namespace CreditDecision.Core.Decisions;

/// <summary>Checks an outcome before the log is asked about its decision: one way to name the decision, an event and a plausible date.</summary>
public static class OutcomeValidator
{
    public static IReadOnlyDictionary<string, string[]> Validate(LoanOutcome outcome)
    {
        var errors = new FieldErrors();
        if ((outcome.DecisionId is null) == (outcome.ApplicationId is null))
        {
            errors.Add("decisionId", "give the decision as decisionId or as applicationId, one of the two");
        }
        if (outcome.ApplicationId is not null) errors.Text<LoanOutcome>("", nameof(LoanOutcome.ApplicationId), outcome.ApplicationId);
        errors.Required("event", outcome.Event);
        if (errors.Required("date", outcome.Date) && outcome.Date is { Year: < 2000 or > 2100 })
        {
            errors.Add("date", "must be between 2000-01-01 and 2100-12-31");
        }
        return errors.ToDictionary();
    }
}
