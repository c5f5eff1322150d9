using CreditDecision.Core.Contracts;

namespace CreditDecision.Core.Decisions;

/// <summary>Checks a loan review before any rule sees it: required fields and sane ranges, keyed by JSON path.</summary>
public static class ReviewValidator
{
    public static IReadOnlyDictionary<string, string[]> Validate(LoanReview review, IReadOnlyCollection<string> grades)
    {
        var errors = new FieldErrors();
        errors.Text("loanId", review.LoanId, 64);
        errors.Text("enterpriseId", review.EnterpriseId, 64);
        if (errors.Required("evaluationDate", review.EvaluationDate) && review.EvaluationDate is { Year: < 2000 or > 2100 })
        {
            errors.Add("evaluationDate", "must be between 2000-01-01 and 2100-12-31");
        }
        if (errors.Text("currentGrade", review.CurrentGrade, 8) && !grades.Contains(review.CurrentGrade!))
        {
            errors.Add("currentGrade", $"must be a grade of the master scale: {string.Join(", ", grades)}");
        }
        errors.Range("outstandingAmount", review.OutstandingAmount, 0m, ApplicationValidator.MaxAmount);
        errors.Range("undrawnAmount", review.UndrawnAmount, 0m, ApplicationValidator.MaxAmount);
        errors.Range("daysPastDue", review.DaysPastDue, 0, 10_000);
        errors.Range("overdueInstalments", review.OverdueInstalments, 0, 1_000);
        errors.Range("utilisation", review.Utilisation, 0m, 10m);
        errors.Range("revenueChange", review.RevenueChange, -1m, 100m);
        errors.Required("taxArrears", review.TaxArrears);
        errors.Range("newLegalCases", review.NewLegalCases, 0, 10_000);
        errors.Required("enforcementAction", review.EnforcementAction);
        errors.Required("keyPersonChange", review.KeyPersonChange);
        errors.Required("ownershipChange", review.OwnershipChange);
        errors.Range("collateralValueChange", review.CollateralValueChange, -1m, 100m);
        errors.Required("guarantorStatus", review.GuarantorStatus);
        errors.Required("relatedPartyDefault", review.RelatedPartyDefault);
        errors.Required("industryDownturn", review.IndustryDownturn);
        return errors.ToDictionary();
    }
}
