using CreditDecision.Core.Contracts;

namespace CreditDecision.Core.Decisions;

/// <summary>
/// Checks an application before any rule sees it: every required field present, every number within a sane
/// range. These are data-quality bounds, not credit policy; policy lives in the rule files.
/// Errors are keyed by the field's JSON path, e.g. <c>applicant.annualRevenue</c>.
/// </summary>
public static class ApplicationValidator
{
    /// <summary>Largest money amount accepted (<see cref="ContractBounds.MaxAmount"/>).</summary>
    public static readonly decimal MaxAmount = decimal.Parse(ContractBounds.MaxAmount, System.Globalization.CultureInfo.InvariantCulture);

    public static IReadOnlyDictionary<string, string[]> Validate(LoanApplication application)
    {
        var errors = new FieldErrors();
        errors.Text<LoanApplication>("", nameof(LoanApplication.ApplicationId), application.ApplicationId);
        errors.Required("evaluationDate", application.EvaluationDate);
        if (application.EvaluationDate is { } date && (date.Year < 2000 || date.Year > 2100))
        {
            errors.Add("evaluationDate", "must be between 2000-01-01 and 2100-12-31");
        }
        if (errors.Required("applicant", application.Applicant)) ValidateApplicant(errors, application.Applicant!, application.EvaluationDate);
        if (errors.Required("request", application.Request)) ValidateRequest(errors, application.Request!);
        return errors.ToDictionary();
    }

    private static void ValidateApplicant(FieldErrors errors, ApplicantData a, DateOnly? evaluationDate)
    {
        const string p = "applicant.";
        errors.Text<ApplicantData>(p, nameof(ApplicantData.EnterpriseId), a.EnterpriseId);
        errors.Text<ApplicantData>(p, nameof(ApplicantData.Name), a.Name);
        errors.Required(p + "industry", a.Industry);
        errors.Text<ApplicantData>(p, nameof(ApplicantData.Region), a.Region);
        if (a.GroupId is not null) errors.Text<ApplicantData>(p, nameof(ApplicantData.GroupId), a.GroupId);
        errors.Range<ApplicantData>(p, nameof(a.YearsInBusiness), a.YearsInBusiness);
        errors.Range<ApplicantData>(p, nameof(a.Employees), a.Employees);
        errors.Range<ApplicantData>(p, nameof(a.AnnualRevenue), a.AnnualRevenue);
        errors.Range<ApplicantData>(p, nameof(a.RevenueGrowth), a.RevenueGrowth);
        errors.Range<ApplicantData>(p, nameof(a.NetProfitMargin), a.NetProfitMargin);
        errors.Range<ApplicantData>(p, nameof(a.Ebitda), a.Ebitda);
        errors.Range<ApplicantData>(p, nameof(a.TotalAssets), a.TotalAssets);
        errors.Range<ApplicantData>(p, nameof(a.TotalLiabilities), a.TotalLiabilities);
        errors.Range<ApplicantData>(p, nameof(a.CurrentRatio), a.CurrentRatio);
        errors.Range<ApplicantData>(p, nameof(a.ExistingAnnualDebtService), a.ExistingAnnualDebtService);
        if (errors.Required(p + "financialStatementsDate", a.FinancialStatementsDate)
            && evaluationDate is { } date && a.FinancialStatementsDate > date)
        {
            errors.Add(p + "financialStatementsDate", "must not be after evaluationDate");
        }
        errors.Range<ApplicantData>(p, nameof(a.CreditScore), a.CreditScore);
        errors.Range<ApplicantData>(p, nameof(a.OverdueCountLast24m), a.OverdueCountLast24m);
        errors.Range<ApplicantData>(p, nameof(a.MaxDaysPastDueLast24m), a.MaxDaysPastDueLast24m);
        errors.Required(p + "taxCreditRating", a.TaxCreditRating);
        errors.Range<ApplicantData>(p, nameof(a.TaxArrears), a.TaxArrears);
        errors.Range<ApplicantData>(p, nameof(a.LegalDisputes), a.LegalDisputes);
        errors.Range<ApplicantData>(p, nameof(a.ExistingExposure), a.ExistingExposure);
        errors.Range<ApplicantData>(p, nameof(a.RelatedPartyGuarantees), a.RelatedPartyGuarantees);
    }

    private static void ValidateRequest(FieldErrors errors, LoanRequestData r)
    {
        const string p = "request.";
        errors.Required(p + "product", r.Product);
        errors.Range<LoanRequestData>(p, nameof(r.Amount), r.Amount);
        errors.Range<LoanRequestData>(p, nameof(r.TermMonths), r.TermMonths);
        errors.Required(p + "purpose", r.Purpose);
        errors.Required(p + "collateralType", r.CollateralType);
        if (errors.Range<LoanRequestData>(p, nameof(r.CollateralValue), r.CollateralValue))
        {
            if (r.CollateralType == CollateralType.None && r.CollateralValue > 0m)
                errors.Add(p + "collateralValue", "must be 0 when collateralType is none");
            if (r.CollateralType is not null and not CollateralType.None && r.CollateralValue == 0m)
                errors.Add(p + "collateralValue", "must be above 0 when collateral is offered");
        }
        errors.Required(p + "hasGuarantor", r.HasGuarantor);
        if (r.GuaranteeAmount is not null && errors.Range<LoanRequestData>(p, nameof(r.GuaranteeAmount), r.GuaranteeAmount)
            && r.HasGuarantor == false && r.GuaranteeAmount > 0m)
        {
            errors.Add(p + "guaranteeAmount", "must be 0 when hasGuarantor is false");
        }
    }
}
