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
        ValidateOrigination(review, grades, errors);
        return errors.ToDictionary();
    }

    /// <summary>The optional link to origination, the caller's terms and the restructuring: each checked only when given.</summary>
    private static void ValidateOrigination(LoanReview review, IReadOnlyCollection<string> grades, FieldErrors errors)
    {
        if (review.ApplicationId is not null) errors.Text<LoanReview>("", nameof(LoanReview.ApplicationId), review.ApplicationId);
        var evaluated = review.EvaluationDate;
        if (review.OriginationDate is { } drawn)
        {
            if (drawn.Year < 2000) errors.Add("originationDate", "must be 2000-01-01 or later");
            else if (drawn > evaluated) errors.Add("originationDate", "must not be after evaluationDate");
        }
        if (review.BorrowerNonPerformingShare is not null) errors.Range<LoanReview>("", nameof(LoanReview.BorrowerNonPerformingShare), review.BorrowerNonPerformingShare);
        if (review.OverdueOver90ShareAllBanks is not null) errors.Range<LoanReview>("", nameof(LoanReview.OverdueOver90ShareAllBanks), review.OverdueOver90ShareAllBanks);

        if (review.Restructured is { } restructuring && errors.Required("restructured.date", restructuring.Date))
        {
            if (restructuring.Date > evaluated) errors.Add("restructured.date", "must not be after evaluationDate");
            if (restructuring.ObservationStart < restructuring.Date) errors.Add("restructured.observationStart", "must not be before restructured.date");
            if (restructuring.ObservationStart is { Year: > 2100 }) errors.Add("restructured.observationStart", "must be 2100-12-31 or earlier");
        }

        if (review.Terms is not { } terms) return;
        if (review.DecisionId is not null || review.ApplicationId is not null)
        {
            errors.Add("terms", "must be left out when the review is linked to its origination decision (decisionId or applicationId): the log holds them");
            return;
        }
        const string prefix = "terms.";
        if (errors.Text<LoanTerms>(prefix, nameof(LoanTerms.OriginationGrade), terms.OriginationGrade) && !grades.Contains(terms.OriginationGrade!))
        {
            errors.Add("terms.originationGrade", $"must be a grade of the master scale: {string.Join(", ", grades)}");
        }
        errors.Required("terms.product", terms.Product);
        errors.Required("terms.industry", terms.Industry);
        errors.Text<LoanTerms>(prefix, nameof(LoanTerms.Region), terms.Region);
        if (terms.ExistingExposure is not null) errors.Range<LoanTerms>(prefix, nameof(LoanTerms.ExistingExposure), terms.ExistingExposure);
        errors.Required("terms.collateralType", terms.CollateralType);
        errors.Range<LoanTerms>(prefix, nameof(LoanTerms.CollateralValue), terms.CollateralValue);
        errors.Range<LoanTerms>(prefix, nameof(LoanTerms.AnnualRate), terms.AnnualRate);
        if (errors.Required("terms.maturityDate", terms.MaturityDate))
        {
            if (terms.MaturityDate is { Year: < 2000 or > 2100 }) errors.Add("terms.maturityDate", "must be between 2000-01-01 and 2100-12-31");
            else if (terms.MaturityDate <= review.OriginationDate) errors.Add("terms.maturityDate", "must be after originationDate");
        }
    }
}
