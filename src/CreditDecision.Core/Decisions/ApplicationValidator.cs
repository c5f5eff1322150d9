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

    /// <summary>Longest turnover period accepted for one working-capital component: ten years of days.</summary>
    public const decimal MaxCycleDays = 3650m;

    /// <summary>Most guarantors one application may list.</summary>
    public const int MaxGuarantors = 10;

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
        errors.Required(p + "sizeStandardIndustry", a.SizeStandardIndustry);
        if (errors.Range(p + "currentDaysPastDue", a.CurrentDaysPastDue, 0, 10_000) && a.CurrentDaysPastDue > a.MaxDaysPastDueLast24m)
        {
            errors.Add(p + "currentDaysPastDue", "must not be above maxDaysPastDueLast24m, which includes today");
        }
        errors.Range(p + "taxVerifiedRevenue", a.TaxVerifiedRevenue, 0m, MaxAmount);
        errors.Required(p + "dishonestJudgementDebtor", a.DishonestJudgementDebtor);
        errors.Required(p + "sanctionsScreening", a.SanctionsScreening);
        errors.Required(p + "environmentalRestriction", a.EnvironmentalRestriction);
        if (errors.Required(p + "workingCapital", a.WorkingCapital)) ValidateWorkingCapital(errors, a.WorkingCapital!);
    }

    private static void ValidateWorkingCapital(FieldErrors errors, WorkingCapitalData w)
    {
        const string p = "applicant.workingCapital.";
        errors.Range(p + "inventoryDays", w.InventoryDays, 0m, MaxCycleDays);
        errors.Range(p + "receivableDays", w.ReceivableDays, 0m, MaxCycleDays);
        errors.Range(p + "payableDays", w.PayableDays, 0m, MaxCycleDays);
        errors.Range(p + "prepaymentDays", w.PrepaymentDays, 0m, MaxCycleDays);
        errors.Range(p + "advanceReceiptDays", w.AdvanceReceiptDays, 0m, MaxCycleDays);
        errors.Range(p + "expectedRevenueGrowth", w.ExpectedRevenueGrowth, -1m, 100m);
        errors.Range(p + "ownFunds", w.OwnFunds, 0m, MaxAmount);
        errors.Range(p + "existingWorkingCapitalCredit", w.ExistingWorkingCapitalCredit, 0m, MaxAmount);
        errors.Range(p + "otherSources", w.OtherSources, 0m, MaxAmount);
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
        if (errors.Required(p + "guarantors", r.Guarantors))
        {
            if (r.Guarantors!.Count > MaxGuarantors) errors.Add(p + "guarantors", $"must list at most {MaxGuarantors} guarantors");
            for (var i = 0; i < r.Guarantors.Count && i < MaxGuarantors; i++) ValidateGuarantor(errors, $"{p}guarantors[{i}].", r.Guarantors[i]);
        }
        if (r.UnconditionallyCancellable == true && r.Product is not null and not Product.RevolvingCreditLine)
        {
            errors.Add(p + "unconditionallyCancellable", "applies only to a revolving-credit-line; leave it out for other products");
        }
    }

    private static void ValidateGuarantor(FieldErrors errors, string p, GuarantorData? g)
    {
        if (!errors.Required(p.TrimEnd('.'), g)) return;
        errors.Required(p + "type", g!.Type);
        errors.Required(p + "relatedParty", g.RelatedParty);
        errors.Range(p + "amount", g.Amount, 0.01m, MaxAmount);
        if (g.Grade is not null) errors.Text(p + "grade", g.Grade, 16);
    }

    /// <summary>
    /// Checks what only the live rules can tell: every guarantor grade must be a grade of the rating ruleset's master
    /// scale. Run after <see cref="Validate"/>.
    /// </summary>
    public static IReadOnlyDictionary<string, string[]> ValidateGrades(LoanApplication application, IReadOnlyList<string> grades)
    {
        var errors = new FieldErrors();
        var guarantors = application.Request?.Guarantors ?? [];
        for (var i = 0; i < guarantors.Count; i++)
        {
            if (guarantors[i]?.Grade is { } grade && !grades.Contains(grade))
            {
                errors.Add($"request.guarantors[{i}].grade", $"must be a grade of the master scale: {string.Join(", ", grades)}");
            }
        }
        return errors.ToDictionary();
    }
}
