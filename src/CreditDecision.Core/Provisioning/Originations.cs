using CreditDecision.Core.Contracts;
using CreditDecision.Core.Rules;

namespace CreditDecision.Core.Provisioning;

/// <summary>A loan's origination from its logged decision, from the caller's terms, or assumed when there is neither.</summary>
public static class Originations
{
    /// <summary>
    /// The origination a logged decision gives: its grade and PD, the approved amount and rate, the product and collateral
    /// applied for, the enterprise's industry, region, size and other exposure; maturity is the term from the drawdown
    /// date (the caller's origination date, else the decision's evaluation date).
    /// </summary>
    public static Origination FromDecision(LoanApplication application, DecisionResponse decision, DateOnly? drawn)
    {
        var date = drawn ?? decision.EvaluationDate;
        var request = application.Request!;
        return new Origination
        {
            Source = Origination.FromLog,
            DecisionId = decision.DecisionId,
            ApplicationId = decision.ApplicationId,
            Date = date,
            Grade = decision.Rating.Grade,
            Pd = decision.Rating.Pd,
            ApprovedAmount = decision.Limit.ApprovedAmount,
            AnnualRate = decision.Pricing.AnnualRate,
            Product = ContractJson.WireName(request.Product!.Value),
            UnconditionallyCancellable = request.UnconditionallyCancellable ?? false,
            Industry = ContractJson.WireName(application.Applicant!.Industry!.Value),
            Region = application.Applicant.Region,
            EnterpriseSize = decision.EnterpriseSize ?? Decisions.FactsBuilder.Unclassified,
            ExistingExposure = application.Applicant.ExistingExposure ?? 0m,
            CollateralType = ContractJson.WireName(request.CollateralType!.Value),
            CollateralValue = request.CollateralValue ?? 0m,
            MaturityDate = date.AddMonths(request.TermMonths!.Value),
        };
    }

    /// <summary>The origination the caller's records give (a validated review's <c>terms</c>).</summary>
    public static Origination FromTerms(LoanTerms terms, DateOnly? drawn, IReadOnlyList<GradeBand> grades) => new()
    {
        Source = Origination.FromCaller,
        Date = drawn,
        Grade = terms.OriginationGrade!,
        Pd = grades.First(g => g.Grade == terms.OriginationGrade).Pd,
        AnnualRate = terms.AnnualRate,
        Product = ContractJson.WireName(terms.Product!.Value),
        UnconditionallyCancellable = terms.UnconditionallyCancellable ?? false,
        Industry = ContractJson.WireName(terms.Industry!.Value),
        Region = terms.Region,
        EnterpriseSize = ContractJson.WireName(terms.EnterpriseSize ?? SizeClass.Unclassified),
        ExistingExposure = terms.ExistingExposure ?? 0m,
        CollateralType = ContractJson.WireName(terms.CollateralType!.Value),
        CollateralValue = terms.CollateralValue!.Value,
        MaturityDate = terms.MaturityDate,
    };

    /// <summary>
    /// Neither a link nor terms: the safest assumptions. The current grade (no movement measured), no collateral, no
    /// product (the undrawn amount converts in full), no rate (losses are not discounted), no maturity (the PD term
    /// structure's default remaining life).
    /// </summary>
    public static Origination Assumed(LoanReview review, DateOnly? drawn, IReadOnlyList<GradeBand> grades) => new()
    {
        Source = Origination.Assumed,
        Date = drawn,
        Grade = review.CurrentGrade!,
        Pd = grades.First(g => g.Grade == review.CurrentGrade).Pd,
        EnterpriseSize = Decisions.FactsBuilder.Unclassified,
        CollateralType = ContractJson.WireName(CollateralType.None),
    };

    /// <summary>The origination a review that is not linked to the log uses.</summary>
    public static Origination Unlinked(LoanReview review, IReadOnlyList<GradeBand> grades) =>
        review.Terms is { } terms ? FromTerms(terms, review.OriginationDate, grades) : Assumed(review, review.OriginationDate, grades);
}
