using System.Text.Json;

namespace CreditDecision.Api.Tests;

/// <summary>
/// Every reason code and every result path of each stage, through the real HTTP pipeline. Each case is a shipped
/// sample with a few fields changed, written <c>"path=value"</c> (numbers and true/false are sent as JSON numbers
/// and booleans, anything else as text). Values are chosen from the shipped rule files so that, where possible,
/// only the rule under test fires.
/// </summary>
public class StagePathTests(SharedApplication shared) : IClassFixture<SharedApplication>
{
    private const string Healthy = "healthy-manufacturer";

    // Healthy manufacturer scores 695 (AA). These changes move it down the scale without firing any approval rule
    // of their own: a small net loss (-36 points), five overdue instalments (-40), owner score 520 (-38),
    // current ratio 0.7 (-28).
    private const string NetLoss = "applicant.netProfitMargin=-0.02";
    private const string FiveOverdue = "applicant.overdueCountLast24m=5";
    private const string OwnerScore520 = "applicant.creditScore=520";
    private const string CurrentRatio07 = "applicant.currentRatio=0.7";

    private static readonly string[] WarningLevels = ["green", "yellow", "orange", "red"];

    /// <summary>Each pricing rule's <c>Sets</c> (rate, rate-floor, rate-cap, lgd, ead, risk-weight), by rule name.</summary>
    private static readonly Dictionary<string, string> PricingSets = RuleFile("pricing").GetProperty("Rules").EnumerateArray()
        .ToDictionary(r => r.GetProperty("RuleName").GetString()!, r => r.GetProperty("Properties").GetProperty("Sets").GetString()!);

    /// <summary>The limit stage's reason for caps that leave less than its minimum amount.</summary>
    private static readonly JsonElement BelowMinimum = RuleFile("limit").GetProperty("Settings").GetProperty("BelowMinimum");

    /// <summary>The authority stage's reason for a credit above automatic authority.</summary>
    private static readonly JsonElement AuthorityReferral = RuleFile("authority").GetProperty("Settings").GetProperty("Referral");

    /// <summary>The early-warning stage's reason for an orange or red signal at origination.</summary>
    private static readonly JsonElement WarningReferral = RuleFile("early-warning").GetProperty("Settings").GetProperty("Referral");

    private const string NoGuarantor = "request.guarantors=[]";
    private const string Unsecured = "request.collateralType=none";
    private const string NoCollateralValue = "request.collateralValue=0";

    private const string GuaranteeCompany = "professional-guarantee-company";
    private const string GovernmentFund = "government-guarantee-fund";

    private static string Guarantee(decimal amount, string type = GuaranteeCompany) => ApplicationJson.OneGuarantor(type, amount);

    private readonly HttpClient _client = shared.Client;

    // ---------------------------------------------------------------- approval

    /// <summary>
    /// Every reason code: one row per approval rule, plus the limit stage's below-minimum referral, the authority
    /// stage's referral and the early-warning referral.
    /// </summary>
    public static TheoryData<string, string, string, string[]> ReasonCases => new()
    {
        { "KO_TAX_ARREARS", "decline", Healthy, ["applicant.taxArrears=50000"] },
        { "KO_TAX_RATING_D", "decline", Healthy, ["applicant.taxCreditRating=D"] },
        { "KO_SEVERE_DELINQUENCY", "decline", Healthy, ["applicant.maxDaysPastDueLast24m=91"] },
        { "KO_CHRONIC_LATE_PAYMENT", "decline", Healthy, ["applicant.overdueCountLast24m=6"] },
        { "KO_LEGAL_DISPUTES", "decline", Healthy, ["applicant.legalDisputes=3"] },
        // Liabilities equal to total assets: zero equity is already a knock-out.
        { "KO_NEGATIVE_EQUITY", "decline", Healthy, ["applicant.totalLiabilities=21000000"] },
        // EBITDA 3.6m over 4.0m existing debt service plus 0.18m stressed interest on the 3.0m: coverage 0.86.
        { "KO_INSUFFICIENT_DEBT_SERVICE", "decline", Healthy, ["applicant.existingAnnualDebtService=4000000"] },
        // The other branch: no EBITDA at all, and no existing debt to cover.
        { "KO_INSUFFICIENT_DEBT_SERVICE", "decline", Healthy, ["applicant.ebitda=0", "applicant.existingAnnualDebtService=0"] },
        { "KO_OWNER_CREDIT_SCORE", "decline", Healthy, ["applicant.creditScore=499"] },
        // 690 - 142 = 548 points: grade C, which takes every score below 560.
        { "KO_RATING_BELOW_CUTOFF", "decline", Healthy, [NetLoss, FiveOverdue, OwnerScore520, CurrentRatio07] },
        { "KO_PROHIBITED_INDUSTRY", "decline", Healthy, ["applicant.industry=real-estate"] },
        { "KO_DISHONEST_JUDGEMENT_DEBTOR", "decline", Healthy, ["applicant.dishonestJudgementDebtor=true"] },
        { "KO_SANCTIONS_MATCH", "decline", Healthy, ["applicant.sanctionsScreening=confirmed-match"] },
        { "KO_ENVIRONMENTAL_PROHIBITED", "decline", Healthy, ["applicant.environmentalRestriction=prohibited"] },
        // Declared 28.0m against 20.0m reported to the tax authority: 40 % more.
        { "KO_REVENUE_NOT_TAX_VERIFIED", "decline", Healthy, ["applicant.taxVerifiedRevenue=20000000"] },
        { "KO_TERM_ABOVE_PRODUCT_MAXIMUM", "decline", Healthy, ["request.termMonths=360"] },
        { "REF_SHORT_TRADING_HISTORY", "refer", Healthy, ["applicant.yearsInBusiness=1.5"] },
        // 16 whole months before the evaluation date 2026-11-20.
        { "REF_STALE_FINANCIAL_STATEMENTS", "refer", Healthy, ["applicant.financialStatementsDate=2025-06-30"] },
        // 3.0m approved on 6.0m already owed: 9.0m of exposure is above the 8.0m automatic authority for AA, secured.
        { "REF_ABOVE_AUTOMATIC_AUTHORITY", "refer", Healthy, ["applicant.existingExposure=6000000"] },
        // 8.0m existing + 3.0m requested.
        { "REF_ABOVE_INCLUSIVE_CEILING", "refer", Healthy, ["applicant.existingExposure=8000000"] },
        { "REF_RECENT_30DPD", "refer", Healthy, ["applicant.maxDaysPastDueLast24m=45"] },
        { "REF_LEGAL_DISPUTE", "refer", Healthy, ["applicant.legalDisputes=2"] },
        // Equity 11.2m: guarantees of 6.0m are 54 % of it.
        { "REF_RELATED_PARTY_GUARANTEES", "refer", Healthy, ["applicant.relatedPartyGuarantees=6000000"] },
        { "REF_REVENUE_DECLINE", "refer", Healthy, ["applicant.revenueGrowth=-0.25"] },
        // 16.8m of 21.0m assets: leverage 0.8.
        { "REF_HIGH_LEVERAGE", "refer", Healthy, ["applicant.totalLiabilities=16800000"] },
        // 690 - 76 = 614 points: grade B.
        { "REF_WEAK_GRADE", "refer", Healthy, [NetLoss, FiveOverdue] },
        // 1.2m unsecured: above the 1.0m referral threshold, and with 1.5m owed within the 3.0m automatic authority for AA.
        { "REF_UNSECURED_ABOVE_THRESHOLD", "refer", Healthy, [Unsecured, NoCollateralValue, NoGuarantor, "request.amount=1200000"] },
        { "REF_TAX_RATING_C", "refer", Healthy, ["applicant.taxCreditRating=C"] },
        // 3.6m over 2.8m existing plus 0.18m stressed interest: coverage 1.21.
        { "REF_WEAK_DEBT_SERVICE", "refer", Healthy, ["applicant.existingAnnualDebtService=2800000"] },
        { "REF_SANCTIONS_ALERT", "refer", Healthy, ["applicant.sanctionsScreening=potential-match"] },
        { "REF_ENVIRONMENTAL_RESTRICTED", "refer", Healthy, ["applicant.environmentalRestriction=restricted"] },
        // Declared 28.0m against 24.0m reported to the tax authority: 17 % more.
        { "REF_REVENUE_TAX_GAP", "refer", Healthy, ["applicant.taxVerifiedRevenue=24000000"] },
        { "REF_PURPOSE_NOT_FOR_PRODUCT", "refer", Healthy, ["request.purpose=equipment"] },
        {
            "REF_PRODUCT_COLLATERAL_MISSING", "refer", Healthy,
            ["request.product=term-loan", "request.purpose=expansion", "request.termMonths=48", "request.amount=1000000", Unsecured, NoCollateralValue, NoGuarantor]
        },
        // 1,200 employees and 450m revenue: a large industrial enterprise by the national size standard.
        { "REF_NOT_AN_SME", "refer", Healthy, ["applicant.employees=1200", "applicant.annualRevenue=450000000", "applicant.taxVerifiedRevenue=450000000"] },
        // Tax arrears within approval's tolerance raise only the orange tax-arrears warning.
        { "REF_EARLY_WARNING", "refer", Healthy, ["applicant.taxArrears=5000"] },
        // Guarantee-only loan: a government fund's 30,000 caps the limit below the 50,000 minimum.
        { "REF_LIMIT_BELOW_MINIMUM", "refer", Healthy, [Unsecured, NoCollateralValue, Guarantee(30000, GovernmentFund)] },
        // Concentration, against the shipped book: construction and Suzhou stand at their share limits, and the
        // ruitai group at 118 million of its 120 million limit.
        { "REF_INDUSTRY_CONCENTRATION", "refer", Healthy, ["applicant.industry=construction"] },
        { "REF_REGION_CONCENTRATION", "refer", Healthy, ["applicant.region=jiangsu-suzhou"] },
        { "REF_GROUP_EXPOSURE_LIMIT", "refer", Healthy, ["applicant.groupId=ruitai-industrial-group"] },
    };

    [Theory]
    [MemberData(nameof(ReasonCases))]
    public async Task Reason_code_fires_alone_with_its_effect_and_the_implied_outcome(
        string code, string effect, string sample, string[] changes)
    {
        var decision = await Decide(sample, changes);
        var reasons = decision.GetProperty("reasons").EnumerateArray().ToList();

        // Every row isolates its rule: no other rule's reason co-fires. A credit above automatic authority (a weak
        // grade, a group's or a large borrower's exposure) is also referred to the level that may approve it, and an
        // orange warning raised by the same fact refers too: those stage referrals may follow, after the rule's own.
        var codes = reasons.Where(r => r.GetProperty("rule").GetString() != "Settings.Referral" || r.GetProperty("code").GetString() == code)
            .Select(r => r.GetProperty("code").GetString()).ToList();
        Assert.Equal([code], codes);
        Assert.Equal(effect, reasons.Single(r => r.GetProperty("code").GetString() == code).GetProperty("effect").GetString());
        var implied = reasons.Any(r => r.GetProperty("effect").GetString() == "decline") ? "decline" : "refer";
        Assert.Equal(implied, decision.GetProperty("outcome").GetString());
    }

    [Fact]
    public void Reason_cases_cover_every_enabled_approval_rule_the_limit_minimum_and_the_stage_referrals()
    {
        var ruleCodes = RuleFile("approval").GetProperty("Rules").EnumerateArray()
            .Where(rule => !rule.TryGetProperty("Enabled", out var enabled) || enabled.GetBoolean())
            .Select(rule => rule.GetProperty("Properties").GetProperty("ReasonCode").GetString()!)
            .Append(BelowMinimum.GetProperty("ReasonCode").GetString()!)
            .Append(AuthorityReferral.GetProperty("ReasonCode").GetString()!)
            .Append(WarningReferral.GetProperty("ReasonCode").GetString()!)
            .ToHashSet();
        var tableCodes = ReasonCases.Select(row => (string)row[0]).ToHashSet();

        Assert.Equal(ruleCodes.Order(), tableCodes.Order());
    }

    [Fact]
    public async Task Clean_application_is_approved_without_reasons()
    {
        var decision = await Decide(Healthy);
        Assert.Equal("approve", decision.GetProperty("outcome").GetString());
        Assert.Empty(decision.GetProperty("reasons").EnumerateArray());
    }

    [Fact]
    public async Task Knock_out_with_referral_declines_and_lists_the_knock_out_first()
    {
        var decision = await Decide(Healthy, "applicant.legalDisputes=1", "applicant.taxArrears=50000");
        Assert.Equal("decline", decision.GetProperty("outcome").GetString());
        Assert.Equal(
            ["KO_TAX_ARREARS", "REF_LEGAL_DISPUTE"],
            decision.GetProperty("reasons").EnumerateArray().Select(r => r.GetProperty("code").GetString()));
    }

    // ---------------------------------------------------------------- limit

    private const string NoOwnFunds = "applicant.workingCapital.ownFunds=0";
    private const string NoWorkingCapitalCredit = "applicant.workingCapital.existingWorkingCapitalCredit=0";

    public static TheoryData<string, string[]> LimitCases => new()
    {
        { "requested-amount", [] },
        // Need by the regulator's method: 28.0m x (1 - 7 %) x (1 + 6 %) x 80 days / 360 = 6,133,866.67, less 1.2m own
        // funds and 2,345,678 of working-capital credit from every lender = 2,588,188.67.
        { "working-capital-need", ["applicant.workingCapital.existingWorkingCapitalCredit=2345678"] },
        // A two-year term loan: 50 % of 5,123,456 = 2,561,728.
        { "revenue-share", ["request.product=term-loan", "request.purpose=expansion", "request.termMonths=24", "applicant.annualRevenue=5123456", "applicant.taxVerifiedRevenue=5123456"] },
        // Interest only at 6 % on a working-capital loan: (3.6m / 1.25 - 2.8m) / 6 % = 1,333,333.
        { "debt-service-capacity", ["applicant.existingAnnualDebtService=2800000"] },
        // 60 % of 3,123,456 + 70 % of the guarantee company's 1.0m = 2,574,073.60.
        { "collateral-coverage", ["request.collateralValue=3123456"] },
        // 70 % of a guarantee company's 2,345,678 = 1,641,974.60.
        { "guarantee-coverage", [Unsecured, NoCollateralValue, Guarantee(2345678)] },
        { "unsecured-maximum", [Unsecured, NoCollateralValue, NoGuarantor, "request.amount=2500000"] },
        // Revolving lines stop at 5.0m; enough collateral and working-capital need that neither binds first.
        { "product-maximum", ["request.product=revolving-credit-line", "request.amount=6000000", "request.collateralValue=12000000", NoOwnFunds, NoWorkingCapitalCredit] },
        // 10.0m ceiling - 7,654,321 already owed = 2,345,679.
        { "single-borrower", ["applicant.existingExposure=7654321"] },
        // Grade BB (627 points): 20 % of 14,567,890 = 2,913,578.
        { "grade", ["applicant.annualRevenue=14567890", "applicant.taxVerifiedRevenue=14567890", "applicant.overdueCountLast24m=4", "applicant.creditScore=560", NoOwnFunds, NoWorkingCapitalCredit] },
        // Grade B (614 points): 10 % of 28.0m = 2.8m.
        { "grade", [NetLoss, FiveOverdue] },
    };

    [Theory]
    [MemberData(nameof(LimitCases))]
    public async Task Lowest_cap_binds_and_sets_the_approved_amount_rounded_down(string bindingCap, string[] changes)
    {
        var decision = await Decide(Healthy, changes);
        var limit = decision.GetProperty("limit");
        var requested = limit.GetProperty("requestedAmount").GetDecimal();
        var caps = limit.GetProperty("caps").EnumerateArray()
            .Select(c => (Cap: c.GetProperty("cap").GetString(), Amount: c.GetProperty("amount").GetDecimal()))
            .ToList();
        var binding = bindingCap == "requested-amount" ? requested : caps.Where(c => c.Cap == bindingCap).Min(c => c.Amount);

        Assert.NotEqual("decline", decision.GetProperty("outcome").GetString());
        Assert.Equal(bindingCap, limit.GetProperty("bindingCap").GetString());
        Assert.True(binding <= requested, $"{bindingCap} {binding} is above the request {requested}");
        Assert.All(caps.Where(c => c.Cap != bindingCap), c => Assert.True(c.Amount > binding, $"{c.Cap} {c.Amount} is not above {binding}"));
        Assert.Equal(RoundDown(binding), limit.GetProperty("approvedAmount").GetDecimal());
    }

    [Fact]
    public async Task Limit_below_the_minimum_amount_is_referred_with_the_computed_amount()
    {
        var decision = await Decide(Healthy, Unsecured, NoCollateralValue, Guarantee(30000, GovernmentFund));
        var limit = decision.GetProperty("limit");
        var minimum = RuleFile("limit").GetProperty("Settings").GetProperty("MinimumAmount").GetDecimal();

        Assert.Equal("guarantee-coverage", limit.GetProperty("bindingCap").GetString());
        Assert.Equal(30000m, limit.GetProperty("approvedAmount").GetDecimal());
        Assert.True(30000m < minimum, $"the minimum amount is {minimum}");
        Assert.Equal("refer", decision.GetProperty("outcome").GetString());
        Assert.Contains(decision.GetProperty("reasons").EnumerateArray(), r => r.GetProperty("code").GetString() == BelowMinimum.GetProperty("ReasonCode").GetString());
    }

    [Fact]
    public async Task Declined_application_gets_zero_with_declined_as_binding_cap()
    {
        var limit = (await Decide(Healthy, "applicant.taxArrears=50000")).GetProperty("limit");
        Assert.Equal("declined", limit.GetProperty("bindingCap").GetString());
        Assert.Equal(0m, limit.GetProperty("approvedAmount").GetDecimal());
    }

    // ---------------------------------------------------------------- pricing

    public static TheoryData<string, string, double, string[]> PricingMeasureCases => new()
    {
        // LGD = 45 % - (45 % - secured LGD) x min(1, collateral / (collateralisation x amount)); amount 3.0m.
        { "lgd", "LgdCashDeposit", 0.25, ["request.collateralType=cash-deposit", "request.collateralValue=1500000"] },
        { "lgd", "LgdRealEstate", 0.40, ["request.collateralValue=2100000"] },
        { "lgd", "LgdReceivables", 0.40, ["request.collateralType=receivables", "request.collateralValue=1875000"] },
        { "lgd", "LgdMovables", 0.425, ["request.collateralType=equipment", "request.collateralValue=2100000"] },
        { "lgd", "LgdMovables", 0.40, ["request.collateralType=inventory", "request.collateralValue=5000000"] },
        { "lgd", "LgdUnsecured", 0.45, ["request.collateralType=none", "request.collateralValue=0"] },
        { "riskWeight", "RiskWeightRegulatoryRetailSme", 0.75, [] },
        // The single-borrower cap keeps existing + approved within 10m, so only an existing exposure already above
        // it (approved amount 0) leaves the regulatory-retail class.
        { "riskWeight", "RiskWeightCorporateSme", 0.85, ["applicant.existingExposure=12000000"] },
        // 1,200 employees and 450m revenue: a large industrial enterprise by the national size standard.
        { "riskWeight", "RiskWeightCorporate", 1.0, ["applicant.employees=1200", "applicant.annualRevenue=450000000", "applicant.taxVerifiedRevenue=450000000"] },
    };

    [Theory]
    [MemberData(nameof(PricingMeasureCases))]
    public async Task Pricing_measure_comes_from_the_first_fired_rule_of_its_kind(
        string measure, string rule, double expected, string[] changes)
    {
        var decision = await Decide(Healthy, changes);
        var sets = PricingSets[rule];
        var sameKind = TraceRules(decision, "pricing").Where(r => PricingSets[RuleName(r)] == sets).ToList();
        var firstFired = sameKind.First(Fired);

        Assert.Equal(rule, RuleName(firstFired));
        Assert.Equal((decimal)expected, Value(firstFired));
        Assert.Equal((decimal)expected, decision.GetProperty("pricing").GetProperty(measure).GetDecimal());
        AssertRateIsClampedSum(decision);
    }

    /// <summary>
    /// The inclusive rate cap binds for a grade a credit officer may still approve: a CCC borrower's six-year term loan
    /// would price at 3.50 % (five-year LPR) + 0.50 % + 1.60 % = 5.60 %, above the 5.50 % cap.
    /// </summary>
    [Fact]
    public async Task Inclusive_rate_cap_binds_for_an_approvable_grade_on_a_long_loan()
    {
        var decision = await Decide(
            Healthy, NetLoss, FiveOverdue, "applicant.creditScore=600",
            "request.product=term-loan", "request.purpose=expansion", "request.termMonths=72", Unsecured, NoCollateralValue);
        var pricing = decision.GetProperty("pricing");
        var sum = pricing.GetProperty("components").EnumerateArray().Sum(c => c.GetProperty("rate").GetDecimal());
        var cap = Value(TracedRule(decision, "pricing", "RateCapInclusiveSme"));

        Assert.Equal("CCC", decision.GetProperty("rating").GetProperty("grade").GetString());
        Assert.Equal("refer", decision.GetProperty("outcome").GetString());
        Assert.Equal(0.056m, sum);
        Assert.Equal(0.055m, cap);
        Assert.Equal(cap, pricing.GetProperty("annualRate").GetDecimal());
        AssertRateIsClampedSum(decision);
    }

    /// <summary>
    /// The cheapest combination of components (prime grade, short term, full cash-deposit cover and a recognised
    /// guarantee of half the amount) adds up to 3.40 %, below the LPR + 0.50 % floor, so the floor sets the rate.
    /// </summary>
    [Fact]
    public async Task Cheapest_possible_price_is_raised_to_the_rate_floor()
    {
        var decision = await Decide(
            Healthy,
            "applicant.yearsInBusiness=12", "applicant.creditScore=780",
            "request.collateralType=cash-deposit", "request.collateralValue=3000000", Guarantee(1500000, GovernmentFund));
        var rate = decision.GetProperty("pricing").GetProperty("annualRate").GetDecimal();
        var floor = Value(TracedRule(decision, "pricing", "RateFloor"));

        Assert.Equal("AAA", decision.GetProperty("rating").GetProperty("grade").GetString());
        Assert.True(Fired(TracedRule(decision, "pricing", "GuaranteeDiscount")));
        Assert.Equal(0.035m, floor);
        Assert.Equal(floor, rate);
        AssertRateIsClampedSum(decision);
    }

    // ---------------------------------------------------------------- rating

    [Fact]
    public async Task Strong_established_manufacturer_lands_in_the_best_grade()
    {
        var decision = await Decide(Healthy, "applicant.yearsInBusiness=12", "applicant.creditScore=780");
        AssertGrade(decision, rank: 1);
        AssertScoreIsBasePointsPlusFiredPoints(decision);
    }

    [Fact]
    public async Task Distressed_construction_firm_lands_in_the_worst_grade()
    {
        var decision = await Decide("distressed-construction");
        AssertGrade(decision, rank: RuleFile("rating").GetProperty("Settings").GetProperty("Grades").GetArrayLength());
        AssertScoreIsBasePointsPlusFiredPoints(decision);
    }

    // ---------------------------------------------------------------- early warning

    public static TheoryData<string, string, string[]> WarningCases => new()
    {
        { "yellow", "EW_LEGAL_DISPUTE", ["applicant.legalDisputes=1"] },
        // Tax arrears within the approval tolerance: orange, alongside a yellow legal dispute.
        { "orange", "EW_TAX_ARREARS", ["applicant.taxArrears=5000", "applicant.legalDisputes=1"] },
        // Non-performing arrears: red, alongside yellow repeated overdue instalments.
        { "red", "EW_PAST_DUE_90", ["applicant.maxDaysPastDueLast24m=120", "applicant.overdueCountLast24m=3"] },
    };

    [Theory]
    [MemberData(nameof(WarningCases))]
    public async Task Warning_level_is_the_highest_level_of_the_signals_raised(string level, string code, string[] changes)
    {
        var decision = await Decide(Healthy, changes);
        var warnings = decision.GetProperty("warnings").EnumerateArray()
            .Select(w => (Code: w.GetProperty("code").GetString(), Level: w.GetProperty("level").GetString()!))
            .ToList();

        Assert.Contains((code, level), warnings);
        Assert.Equal(level, decision.GetProperty("warningLevel").GetString());
        Assert.Equal(level, warnings.MaxBy(w => Array.IndexOf(WarningLevels, w.Level)).Level);
    }

    [Fact]
    public async Task Healthy_application_raises_no_warning_and_is_green()
    {
        var decision = await Decide(Healthy);
        Assert.Equal("green", decision.GetProperty("warningLevel").GetString());
        Assert.Empty(decision.GetProperty("warnings").EnumerateArray());
    }

    // ---------------------------------------------------------------- helpers

    private Task<JsonElement> Decide(string sample, params string[] changes) => _client.DecideOk(ApplicationJson.FromSample(sample).WithChanges(changes));

    private static JsonElement RuleFile(string name)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Rules, name + ".json")));
        return document.RootElement.Clone();
    }

    private static decimal RoundDown(decimal amount)
    {
        var step = RuleFile("limit").GetProperty("Settings").GetProperty("RoundDownTo").GetDecimal();
        return Math.Floor(amount / step) * step;
    }

    private static IEnumerable<JsonElement> TraceRules(JsonElement decision, string stage) =>
        decision.GetProperty("trace").EnumerateArray()
            .Single(t => t.GetProperty("stage").GetString() == stage)
            .GetProperty("rules").EnumerateArray();

    private static JsonElement TracedRule(JsonElement decision, string stage, string rule) =>
        TraceRules(decision, stage).Single(r => RuleName(r) == rule);

    private static string RuleName(JsonElement traced) => traced.GetProperty("rule").GetString()!;

    private static bool Fired(JsonElement traced) => traced.GetProperty("fired").GetBoolean();

    private static decimal Value(JsonElement traced) => traced.GetProperty("value").GetDecimal();

    /// <summary>annualRate = clamp(sum of fired rate components, highest fired floor, lowest fired cap).</summary>
    private static void AssertRateIsClampedSum(JsonElement decision)
    {
        var fired = TraceRules(decision, "pricing").Where(Fired).ToList();
        IEnumerable<decimal> ValuesOf(string sets) => fired.Where(r => PricingSets[RuleName(r)] == sets).Select(Value);

        var sum = ValuesOf("rate").Sum();
        var pricing = decision.GetProperty("pricing");
        Assert.Equal(sum, pricing.GetProperty("components").EnumerateArray().Sum(c => c.GetProperty("rate").GetDecimal()));
        var cap = ValuesOf("rate-cap").DefaultIfEmpty(decimal.MaxValue).Min();
        Assert.Equal(Math.Min(Math.Max(sum, ValuesOf("rate-floor").Max()), cap), pricing.GetProperty("annualRate").GetDecimal());
    }

    private static void AssertGrade(JsonElement decision, int rank)
    {
        var grade = RuleFile("rating").GetProperty("Settings").GetProperty("Grades")[rank - 1];
        var rating = decision.GetProperty("rating");
        Assert.Equal(grade.GetProperty("Grade").GetString(), rating.GetProperty("grade").GetString());
        Assert.Equal(rank, rating.GetProperty("gradeRank").GetInt32());
        Assert.Equal(grade.GetProperty("Pd").GetDecimal(), rating.GetProperty("pd").GetDecimal());
    }

    private static void AssertScoreIsBasePointsPlusFiredPoints(JsonElement decision)
    {
        var basePoints = RuleFile("rating").GetProperty("Settings").GetProperty("BasePoints").GetDecimal();
        var firedPoints = TraceRules(decision, "rating").Where(r => Fired(r) && r.TryGetProperty("value", out _)).Sum(Value);
        Assert.Equal(basePoints + firedPoints, decision.GetProperty("rating").GetProperty("score").GetDecimal());
    }
}
