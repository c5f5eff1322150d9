using CreditDecision.Core.Contracts;

namespace CreditDecision.Core.Decisions;

/// <summary>
/// Checks an application before any rule sees it: every required field present, every number within a sane
/// range. These are data-quality bounds, not credit policy; policy lives in the rule files.
/// Errors are keyed by the field's JSON path, e.g. <c>applicant.annualRevenue</c>.
/// </summary>
public static class ApplicationValidator
{
    /// <summary>Largest money amount accepted (10 trillion): keeps every product of two amounts exact in decimal.</summary>
    public const decimal MaxAmount = 10_000_000_000_000m;

    public static IReadOnlyDictionary<string, string[]> Validate(LoanApplication application)
    {
        var errors = new FieldErrors();
        errors.Text("applicationId", application.ApplicationId, 64);
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
        errors.Text(p + "enterpriseId", a.EnterpriseId, 64);
        errors.Text(p + "name", a.Name, 200);
        errors.Required(p + "industry", a.Industry);
        errors.Text(p + "region", a.Region, 64);
        if (a.GroupId is not null) errors.Text(p + "groupId", a.GroupId, 64);
        errors.Range(p + "yearsInBusiness", a.YearsInBusiness, 0m, 200m);
        errors.Range(p + "employees", a.Employees, 0, 10_000_000);
        errors.Range(p + "annualRevenue", a.AnnualRevenue, 0m, MaxAmount);
        errors.Range(p + "revenueGrowth", a.RevenueGrowth, -1m, 100m);
        errors.Range(p + "netProfitMargin", a.NetProfitMargin, -10m, 1m);
        errors.Range(p + "ebitda", a.Ebitda, -MaxAmount, MaxAmount);
        errors.Range(p + "totalAssets", a.TotalAssets, 0.01m, MaxAmount);
        errors.Range(p + "totalLiabilities", a.TotalLiabilities, 0m, MaxAmount);
        errors.Range(p + "currentRatio", a.CurrentRatio, 0m, 1000m);
        errors.Range(p + "existingAnnualDebtService", a.ExistingAnnualDebtService, 0m, MaxAmount);
        if (errors.Required(p + "financialStatementsDate", a.FinancialStatementsDate)
            && evaluationDate is { } date && a.FinancialStatementsDate > date)
        {
            errors.Add(p + "financialStatementsDate", "must not be after evaluationDate");
        }
        errors.Range(p + "creditScore", a.CreditScore, 300, 900);
        errors.Range(p + "overdueCountLast24m", a.OverdueCountLast24m, 0, 1000);
        errors.Range(p + "maxDaysPastDueLast24m", a.MaxDaysPastDueLast24m, 0, 10_000);
        errors.Required(p + "taxCreditRating", a.TaxCreditRating);
        errors.Range(p + "taxArrears", a.TaxArrears, 0m, MaxAmount);
        errors.Range(p + "legalDisputes", a.LegalDisputes, 0, 10_000);
        errors.Range(p + "existingExposure", a.ExistingExposure, 0m, MaxAmount);
        errors.Range(p + "relatedPartyGuarantees", a.RelatedPartyGuarantees, 0m, MaxAmount);
    }

    private static void ValidateRequest(FieldErrors errors, LoanRequestData r)
    {
        const string p = "request.";
        errors.Required(p + "product", r.Product);
        errors.Range(p + "amount", r.Amount, 0.01m, MaxAmount);
        errors.Range(p + "termMonths", r.TermMonths, 1, 360);
        errors.Required(p + "purpose", r.Purpose);
        errors.Required(p + "collateralType", r.CollateralType);
        if (errors.Range(p + "collateralValue", r.CollateralValue, 0m, MaxAmount))
        {
            if (r.CollateralType == CollateralType.None && r.CollateralValue > 0m)
                errors.Add(p + "collateralValue", "must be 0 when collateralType is none");
            if (r.CollateralType is not null and not CollateralType.None && r.CollateralValue == 0m)
                errors.Add(p + "collateralValue", "must be above 0 when collateral is offered");
        }
        errors.Required(p + "hasGuarantor", r.HasGuarantor);
        if (r.GuaranteeAmount is not null && errors.Range(p + "guaranteeAmount", r.GuaranteeAmount, 0m, MaxAmount)
            && r.HasGuarantor == false && r.GuaranteeAmount > 0m)
        {
            errors.Add(p + "guaranteeAmount", "must be 0 when hasGuarantor is false");
        }
    }
}
