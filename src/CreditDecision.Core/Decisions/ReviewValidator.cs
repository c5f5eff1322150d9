using CreditDecision.Core.Contracts;

namespace CreditDecision.Core.Decisions;

/// <summary>Checks a loan review before any rule sees it: required fields and sane ranges, keyed by JSON path.</summary>
public static class ReviewValidator
{
    public static IReadOnlyDictionary<string, string[]> Validate(LoanReview review, IReadOnlyCollection<string> grades)
    {
        var errors = new FieldErrors();
        errors.Text<LoanReview>("", nameof(LoanReview.LoanId), review.LoanId);
        errors.Text<LoanReview>("", nameof(LoanReview.EnterpriseId), review.EnterpriseId);
        if (errors.Required("evaluationDate", review.EvaluationDate) && review.EvaluationDate is { Year: < 2000 or > 2100 })
        {
            errors.Add("evaluationDate", "must be between 2000-01-01 and 2100-12-31");
        }
        if (errors.Text<LoanReview>("", nameof(LoanReview.CurrentGrade), review.CurrentGrade) && !grades.Contains(review.CurrentGrade!))
        {
            errors.Add("currentGrade", $"must be a grade of the master scale: {string.Join(", ", grades)}");
        }
        errors.Range<LoanReview>("", nameof(LoanReview.OutstandingAmount), review.OutstandingAmount);
        errors.Range<LoanReview>("", nameof(LoanReview.UndrawnAmount), review.UndrawnAmount);
        errors.Range<LoanReview>("", nameof(LoanReview.DaysPastDue), review.DaysPastDue);
        errors.Range<LoanReview>("", nameof(LoanReview.OverdueInstalments), review.OverdueInstalments);
        errors.Range<LoanReview>("", nameof(LoanReview.Utilisation), review.Utilisation);
        errors.Range<LoanReview>("", nameof(LoanReview.RevenueChange), review.RevenueChange);
        errors.Required("taxArrears", review.TaxArrears);
        errors.Range<LoanReview>("", nameof(LoanReview.NewLegalCases), review.NewLegalCases);
        errors.Required("enforcementAction", review.EnforcementAction);
        errors.Required("keyPersonChange", review.KeyPersonChange);
        errors.Required("ownershipChange", review.OwnershipChange);
        errors.Range<LoanReview>("", nameof(LoanReview.CollateralValueChange), review.CollateralValueChange);
        errors.Required("guarantorStatus", review.GuarantorStatus);
        errors.Required("relatedPartyDefault", review.RelatedPartyDefault);
        errors.Required("industryDownturn", review.IndustryDownturn);
        return errors.ToDictionary();
    }
}
