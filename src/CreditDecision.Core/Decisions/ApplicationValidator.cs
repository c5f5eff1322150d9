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

    /// <summary>Longest turnover period accepted for one working-capital component: ten years of days.</summary>
    public const decimal MaxCycleDays = 3650m;

    /// <summary>Most guarantors one application may list.</summary>
    public const int MaxGuarantors = 10;

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
        errors.Required(p + "sizeStandardIndustry", a.SizeStandardIndustry);
        if (errors.Range<ApplicantData>(p, nameof(a.CurrentDaysPastDue), a.CurrentDaysPastDue) && a.CurrentDaysPastDue > a.MaxDaysPastDueLast24m)
        {
            errors.Add(p + "currentDaysPastDue", "must not be above maxDaysPastDueLast24m, which includes today");
        }
        errors.Range<ApplicantData>(p, nameof(a.TaxVerifiedRevenue), a.TaxVerifiedRevenue);
        errors.Required(p + "dishonestJudgementDebtor", a.DishonestJudgementDebtor);
        errors.Required(p + "sanctionsScreening", a.SanctionsScreening);
        errors.Required(p + "environmentalRestriction", a.EnvironmentalRestriction);
        if (errors.Required(p + "workingCapital", a.WorkingCapital)) ValidateWorkingCapital(errors, a.WorkingCapital!);
    }

    private static void ValidateWorkingCapital(FieldErrors errors, WorkingCapitalData w)
    {
        const string p = "applicant.workingCapital.";
        errors.Range<WorkingCapitalData>(p, nameof(w.InventoryDays), w.InventoryDays);
        errors.Range<WorkingCapitalData>(p, nameof(w.ReceivableDays), w.ReceivableDays);
        errors.Range<WorkingCapitalData>(p, nameof(w.PayableDays), w.PayableDays);
        errors.Range<WorkingCapitalData>(p, nameof(w.PrepaymentDays), w.PrepaymentDays);
        errors.Range<WorkingCapitalData>(p, nameof(w.AdvanceReceiptDays), w.AdvanceReceiptDays);
        errors.Range<WorkingCapitalData>(p, nameof(w.ExpectedRevenueGrowth), w.ExpectedRevenueGrowth);
        errors.Range<WorkingCapitalData>(p, nameof(w.OwnFunds), w.OwnFunds);
        errors.Range<WorkingCapitalData>(p, nameof(w.ExistingWorkingCapitalCredit), w.ExistingWorkingCapitalCredit);
        errors.Range<WorkingCapitalData>(p, nameof(w.OtherSources), w.OtherSources);
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
        if (errors.Required(p + "guarantors", r.Guarantors))
        {
            if (r.Guarantors!.Count > ContractBounds.MaxGuarantors) errors.Add(p + "guarantors", $"must list at most {ContractBounds.MaxGuarantors} guarantors");
            for (var i = 0; i < r.Guarantors.Count && i < ContractBounds.MaxGuarantors; i++) ValidateGuarantor(errors, $"{p}guarantors[{i}].", r.Guarantors[i]);
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
        errors.Range<GuarantorData>(p, nameof(g.Amount), g.Amount);
        if (g.Grade is not null) errors.Text<GuarantorData>(p, nameof(GuarantorData.Grade), g.Grade);
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
