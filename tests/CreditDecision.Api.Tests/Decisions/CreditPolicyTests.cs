using System.Text.Json;

namespace CreditDecision.Api.Tests;

/// <summary>
/// What a credit-risk validator re-computes on the shipped samples and variants of them, through the real HTTP
/// pipeline: authority after the limit, recognised guarantees, pro-forma debt capacity, the product plan, one capital
/// framework, the default grade, caps that bind, warnings that refer, and the origination knock-outs. The healthy
/// manufacturer is AA, small, asks CNY 3 million on CNY 1.5 million already owed, with a CNY 5.2 million mortgage
/// and a guarantee company's CNY 1 million guarantee.
/// </summary>
public class CreditPolicyTests(SharedApplication shared) : IClassFixture<SharedApplication>
{
    private const string Healthy = "healthy-manufacturer";
    private const string Unsecured = "request.collateralType=none";
    private const string NoCollateralValue = "request.collateralValue=0";

    private readonly HttpClient _client = shared.Client;

    private Task<JsonElement> Decide(string sample, params string[] changes) =>
        _client.DecideOk(ApplicationJson.FromSample(sample).WithChanges(changes));

    private static string[] Codes(JsonElement decision) =>
        [.. decision.GetProperty("reasons").EnumerateArray().Select(r => r.GetProperty("code").GetString()!)];

    private static decimal Number(JsonElement decision, string section, string field) =>
        decision.GetProperty(section).GetProperty(field).GetDecimal();

    private static IEnumerable<JsonElement> FiredRules(JsonElement decision, string stage) =>
        decision.GetProperty("trace").EnumerateArray().Single(t => t.GetProperty("stage").GetString() == stage)
            .GetProperty("rules").EnumerateArray().Where(r => r.GetProperty("fired").GetBoolean());

    private static bool Fired(JsonElement decision, string stage, string rule) =>
        FiredRules(decision, stage).Any(r => r.GetProperty("rule").GetString() == rule);

    // ---------------------------------------------------------------- 1. authority after the limit

    [Fact]
    public async Task The_large_request_is_authorised_on_its_approved_amount_and_carries_no_authority_referral()
    {
        var decision = await Decide("large-request");

        // 7.5m asked, cut to the 4.88m working-capital gap; with 0.9m owed, 5.78m is within the 8m automatic authority
        // for an A borrower with a mortgage. Only its region's share of the book refers it.
        Assert.Equal(4880000m, Number(decision, "limit", "approvedAmount"));
        Assert.Empty(FiredRules(decision, "authority"));
        Assert.Equal(["REF_REGION_CONCENTRATION"], Codes(decision));
        Assert.Equal("branch-officer", decision.GetProperty("authorityLevel").GetString());
    }

    [Fact]
    public async Task An_amount_the_limit_cuts_is_not_referred_for_authority_on_what_was_asked()
    {
        var decision = await Decide(Healthy, "request.amount=7000000");

        Assert.Equal(3430000m, Number(decision, "limit", "approvedAmount"));
        Assert.Equal("approve", decision.GetProperty("outcome").GetString());
        Assert.Equal("automatic", decision.GetProperty("authorityLevel").GetString());
    }

    [Fact]
    public async Task A_group_s_existing_exposure_takes_a_small_loan_to_head_office()
    {
        // 1.5m for a member of a group that already owes 118m: 119.5m of exposure.
        var decision = await Decide(Healthy, "applicant.groupId=ruitai-industrial-group", "request.amount=1500000");

        Assert.Equal("head-office", decision.GetProperty("authorityLevel").GetString());
        Assert.Equal(["REF_ABOVE_AUTOMATIC_AUTHORITY"], Codes(decision));
        Assert.True(Fired(decision, "authority", "PrimeSecuredAboveBranchCommittee"));
    }

    // ---------------------------------------------------------------- 2. guarantees that count

    [Theory]
    [InlineData("enterprise", true, "AAA")]
    [InlineData("enterprise", false, "BB")]
    [InlineData("enterprise", false, null)]
    [InlineData("individual-owner", true, null)]
    public async Task A_CNY_5_million_loan_backed_only_by_an_unrecognised_guarantee_is_unsecured(string type, bool relatedParty, string? grade)
    {
        var decision = await Decide(Healthy, Unsecured, NoCollateralValue, "request.amount=5000000", ApplicationJson.OneGuarantor(type, 5000000, relatedParty, grade));

        Assert.Equal("AA", decision.GetProperty("rating").GetProperty("grade").GetString());
        Assert.Equal(2000000m, Number(decision, "limit", "approvedAmount"));
        Assert.Equal("unsecured-maximum", decision.GetProperty("limit").GetProperty("bindingCap").GetString());
        Assert.Equal(["REF_UNSECURED_ABOVE_THRESHOLD", "REF_ABOVE_AUTOMATIC_AUTHORITY"], Codes(decision));
        Assert.Equal(0.45m, Number(decision, "pricing", "lgd"));
    }

    [Fact]
    public async Task A_government_fund_s_guarantee_counts_in_full_and_a_guarantee_company_s_at_70_percent()
    {
        var fund = await Decide(Healthy, Unsecured, NoCollateralValue, ApplicationJson.OneGuarantor("government-guarantee-fund", 2000000));
        var company = await Decide(Healthy, Unsecured, NoCollateralValue, ApplicationJson.OneGuarantor("professional-guarantee-company", 2000000));

        Assert.Equal(2000000m, Number(fund, "limit", "approvedAmount"));
        Assert.Equal(1400000m, Number(company, "limit", "approvedAmount"));
        Assert.All([fund, company], d => Assert.Equal("guarantee-coverage", d.GetProperty("limit").GetProperty("bindingCap").GetString()));
    }

    // ---------------------------------------------------------------- 3. debt capacity with the new loan

    [Fact]
    public async Task Coverage_that_passed_on_existing_debt_declines_once_the_new_loan_s_stressed_interest_is_added()
    {
        // 3.6m over 3.5m existing: 1.03 times; with 3.0m at 6 % interest only: 3.6m / 3.68m = 0.98.
        var decision = await Decide(Healthy, "applicant.existingAnnualDebtService=3500000");
        Assert.Equal("decline", decision.GetProperty("outcome").GetString());
        Assert.Contains("KO_INSUFFICIENT_DEBT_SERVICE", Codes(decision));
    }

    [Fact]
    public async Task Pro_forma_coverage_below_1_25_refers_and_the_limit_keeps_it_at_1_25()
    {
        var decision = await Decide(Healthy, "applicant.existingAnnualDebtService=2800000");
        Assert.Equal(["REF_WEAK_DEBT_SERVICE", "REF_EARLY_WARNING"], Codes(decision));
        // (3.6m / 1.25 - 2.8m) / 6 % = 1,333,333.
        Assert.Equal(1330000m, Number(decision, "limit", "approvedAmount"));
        Assert.Equal("debt-service-capacity", decision.GetProperty("limit").GetProperty("bindingCap").GetString());
    }

    [Fact]
    public async Task Working_capital_credit_from_other_lenders_is_deducted_from_the_need()
    {
        // Need 6,133,866.67 - own funds 1.2m - 5.0m already borrowed: nothing left.
        var decision = await Decide(Healthy, "applicant.workingCapital.existingWorkingCapitalCredit=5000000");
        Assert.Equal("working-capital-need", decision.GetProperty("limit").GetProperty("bindingCap").GetString());
        Assert.Equal(0m, Number(decision, "limit", "approvedAmount"));
        Assert.Equal(["REF_LIMIT_BELOW_MINIMUM"], Codes(decision));
    }

    // ---------------------------------------------------------------- 4. the product plan

    [Fact]
    public async Task A_360_month_working_capital_loan_is_declined()
    {
        var decision = await Decide(Healthy, "request.termMonths=360");
        Assert.Equal("decline", decision.GetProperty("outcome").GetString());
        Assert.Equal(["KO_TERM_ABOVE_PRODUCT_MAXIMUM"], Codes(decision));
    }

    [Fact]
    public async Task A_working_capital_loan_for_equipment_is_referred()
    {
        Assert.Equal(["REF_PURPOSE_NOT_FOR_PRODUCT"], Codes(await Decide(Healthy, "request.purpose=equipment")));
    }

    [Fact]
    public async Task A_loan_over_five_years_is_priced_off_the_five_year_LPR()
    {
        var decision = await Decide(Healthy, "request.product=term-loan", "request.purpose=expansion", "request.termMonths=72");
        var components = decision.GetProperty("pricing").GetProperty("components").EnumerateArray()
            .ToDictionary(c => c.GetProperty("rule").GetString()!, c => c.GetProperty("rate").GetDecimal());

        Assert.Equal(0.035m, components["BaseRateFiveYearLpr"]);
        Assert.False(components.ContainsKey("BaseRateOneYearLpr"));
        Assert.False(components.ContainsKey("TermPremiumLong"));
    }

    // ---------------------------------------------------------------- 5. one capital framework

    [Fact]
    public async Task A_cash_secured_loan_takes_a_0_percent_weight_on_the_covered_part()
    {
        var decision = await Decide(Healthy, "request.collateralType=cash-deposit", "request.collateralValue=4000000");
        var pricing = decision.GetProperty("pricing");

        Assert.Equal(3000000m, pricing.GetProperty("ead").GetDecimal());
        Assert.Equal(3000000m, pricing.GetProperty("coveredExposure").GetDecimal());
        Assert.Equal(0m, pricing.GetProperty("riskWeightedAssets").GetDecimal());
        Assert.Equal(0.05m, pricing.GetProperty("lgd").GetDecimal());
    }

    [Theory]
    [InlineData(false, 0.4)]
    [InlineData(true, 0.1)]
    public async Task A_revolving_line_converts_at_the_standardised_factor(bool cancellable, double factor)
    {
        var decision = await Decide(Healthy, "request.product=revolving-credit-line", "request.amount=2000000", $"request.unconditionallyCancellable={cancellable.ToString().ToLowerInvariant()}");
        Assert.Equal(2000000m * (decimal)factor, Number(decision, "pricing", "ead"));
        Assert.Equal(2000000m * (decimal)factor * 0.75m, Number(decision, "pricing", "riskWeightedAssets"));
    }

    [Fact]
    public async Task Collateral_worth_10_percent_of_the_loan_does_not_lower_the_LGD()
    {
        var decision = await Decide(Healthy, "request.collateralValue=300000");
        Assert.Equal(0.45m, Number(decision, "pricing", "lgd"));
    }

    [Theory]
    [InlineData(15, "micro", 0.75)]
    [InlineData(85, "small", 0.75)]
    [InlineData(350, "medium", 0.85)]
    public async Task Employees_decide_the_enterprise_size_and_with_it_the_risk_weight(int employees, string size, double riskWeight)
    {
        var decision = await Decide(Healthy, $"applicant.employees={employees}");
        Assert.Equal(size, decision.GetProperty("enterpriseSize").GetString());
        Assert.Equal((decimal)riskWeight, Number(decision, "pricing", "riskWeight"));
        // Only micro and small enterprises are inclusive lending, with its rate cap.
        Assert.Equal(size != "medium", Fired(decision, "pricing", "RateCapInclusiveSme"));
    }

    // ---------------------------------------------------------------- 6. the default grade and the scale's ends

    [Fact]
    public async Task A_borrower_91_days_past_due_today_gets_the_default_grade()
    {
        var decision = await Decide(Healthy, "applicant.maxDaysPastDueLast24m=91", "applicant.currentDaysPastDue=91", "applicant.overdueCountLast24m=1");
        var rating = decision.GetProperty("rating");

        Assert.Equal("D", rating.GetProperty("grade").GetString());
        Assert.Equal(1m, rating.GetProperty("pd").GetDecimal());
        Assert.Equal("decline", decision.GetProperty("outcome").GetString());
        Assert.Contains("KO_RATING_BELOW_CUTOFF", Codes(decision));
    }

    [Fact]
    public async Task Grade_C_takes_every_score_below_560()
    {
        var decision = await Decide("distressed-construction", "applicant.currentDaysPastDue=0");
        Assert.True(decision.GetProperty("rating").GetProperty("score").GetDecimal() < 540m);
        Assert.Equal("C", decision.GetProperty("rating").GetProperty("grade").GetString());
    }

    // ---------------------------------------------------------------- 7. caps and prices that bind

    [Fact]
    public async Task The_AA_premium_is_what_the_method_gives()
    {
        var decision = await Decide(Healthy);
        var premium = FiredRules(decision, "pricing").Single(r => r.GetProperty("rule").GetString() == "RiskPremium");
        // 0.09 % x 45 % + 85 % x 10.5 % x 4 % = 0.3975 %, rounded up to 5 basis points.
        Assert.Equal(0.004m, premium.GetProperty("value").GetDecimal());
    }

    [Fact]
    public async Task The_term_loan_maximum_binds_below_the_single_borrower_ceiling()
    {
        var decision = await Decide(Healthy, "request.product=term-loan", "request.purpose=expansion", "request.termMonths=60", "request.amount=9000000",
            "applicant.annualRevenue=60000000", "applicant.taxVerifiedRevenue=60000000", "applicant.ebitda=8000000", "applicant.existingExposure=0",
            "request.collateralValue=20000000");
        Assert.Equal("product-maximum", decision.GetProperty("limit").GetProperty("bindingCap").GetString());
        Assert.Equal(8000000m, Number(decision, "limit", "approvedAmount"));
    }

    // ---------------------------------------------------------------- 8. warnings that refer

    [Fact]
    public async Task An_orange_warning_at_origination_refers_an_application_approval_would_pass()
    {
        var decision = await Decide(Healthy, "applicant.taxArrears=5000");
        Assert.Equal("orange", decision.GetProperty("warningLevel").GetString());
        Assert.Equal(["REF_EARLY_WARNING"], Codes(decision));
        Assert.Equal("branch-officer", decision.GetProperty("authorityLevel").GetString());
    }

    // ---------------------------------------------------------------- 9. inputs the policy reads

    [Fact]
    public async Task A_mortgage_earns_its_discount_only_up_to_70_percent_loan_to_value()
    {
        var within = await Decide(Healthy, "request.collateralValue=4300000");
        var above = await Decide(Healthy, "request.collateralValue=4200000");
        Assert.True(Fired(within, "pricing", "CollateralDiscountRealEstate"));
        Assert.False(Fired(above, "pricing", "CollateralDiscountRealEstate"));
    }

    // ---------------------------------------------------------------- 10. origination knock-outs

    [Theory]
    [InlineData("applicant.dishonestJudgementDebtor=true", "KO_DISHONEST_JUDGEMENT_DEBTOR")]
    [InlineData("applicant.sanctionsScreening=confirmed-match", "KO_SANCTIONS_MATCH")]
    [InlineData("applicant.environmentalRestriction=prohibited", "KO_ENVIRONMENTAL_PROHIBITED")]
    [InlineData("applicant.taxVerifiedRevenue=20000000", "KO_REVENUE_NOT_TAX_VERIFIED")]
    public async Task Screening_results_the_origination_system_supplies_decline(string change, string code)
    {
        var decision = await Decide(Healthy, change);
        Assert.Equal("decline", decision.GetProperty("outcome").GetString());
        Assert.Equal([code], Codes(decision));
    }
}
