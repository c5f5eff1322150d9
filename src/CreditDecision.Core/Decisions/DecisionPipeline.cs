using System.Collections.Immutable;
using System.Diagnostics;
using CreditDecision.Core.Contracts;
using CreditDecision.Core.Portfolio;
using CreditDecision.Core.Rules;
using CreditDecision.Core.Telemetry;
using CreditDecision.Core.Vocabulary;

namespace CreditDecision.Core.Decisions;

/// <summary>
/// Runs the stages of a decision over one ruleset snapshot and one portfolio version: rating, approval, limit,
/// authority, pricing, early warning. A pure
/// function of the snapshot and the application; the decision id and time are stamped by the caller and read by
/// no rule, so the same input and rules always give the same decision.
/// </summary>
public static class DecisionPipeline
{
    public const string Approve = "approve";
    public const string Refer = "refer";
    public const string Decline = "decline";
    public const string RequestedAmountCap = "requested-amount";
    public const string DeclinedCap = "declined";

    /// <summary>Evaluates a validated application (see <see cref="ApplicationValidator"/>).</summary>
    /// <param name="timings">Filled with each stage's time when given (live decisions); replays and backtests pass none.</param>
    /// <remarks>
    /// A stage whose ruleset the snapshot lacks (the authority stage in version sets recorded before it existed) does
    /// not run, and the response fields only it gives are absent: a recorded decision replays exactly as it was made.
    /// </remarks>
    public static DecisionResponse Evaluate(
        RulesetSnapshot snapshot, PortfolioSnapshot portfolio, LoanApplication application, Guid decisionId, DateTimeOffset decidedAt,
        StageTimings? timings = null)
    {
        var facts = FactsBuilder.Build(snapshot, application, portfolio);
        var trace = new List<StageTrace>(Stages.DecisionOrder.Count);
        var mark = timings is null ? 0 : Stopwatch.GetTimestamp();

        var at = new EvaluationPoint();
        try
        {
            var ratingRuleset = snapshot[Stage.Rating];
            var rating = Rate(ratingRuleset, facts, trace, ref at);
            facts.Guarantees = FactsBuilder.Guarantees(
                application.Request!.Guarantors, snapshot[Stage.Limit].Settings.GuaranteeRecognition, ratingRuleset.Settings.Grades, rating.GradeRank);
            Done(Stage.Rating);
            var (outcome, reasons) = Approval(snapshot[Stage.Approval], facts, trace, ref at);
            Done(Stage.Approval);
            var limit = Limit(snapshot[Stage.Limit], facts, outcome, trace, ref at);
            (outcome, reasons, limit) = ApplyMinimumAmount(snapshot[Stage.Limit], facts, outcome, reasons, limit);
            Done(Stage.Limit);
            string? authorityLevel = null;
            var authority = snapshot.Find(Stage.Authority);
            if (authority is not null)
            {
                authorityLevel = Authorise(authority, facts, trace, ref at);
                (outcome, reasons) = ReferAbove(authority.Settings.AuthorityLevels[0] != authorityLevel, authority.Settings.AuthorityReferral!,
                    authority.Name, "Settings.Referral", facts, outcome, reasons);
                Done(Stage.Authority);
            }
            var pricing = Price(snapshot[Stage.Pricing], facts, trace, ref at);
            Done(Stage.Pricing);
            var earlyWarning = snapshot[Stage.EarlyWarning];
            var (warningLevel, warnings, highest) = Warn(earlyWarning, facts, trace, ref at);
            if (earlyWarning.Settings.WarningReferral is { } warningReferral)
            {
                (outcome, reasons) = ReferAbove(highest >= warningReferral.Level, warningReferral.Reason,
                    earlyWarning.Name, "Settings.Referral", facts, outcome, reasons);
            }
            Done(Stage.EarlyWarning);
            if (authority is not null) authorityLevel = FinalAuthority(authority.Settings.AuthorityLevels, authorityLevel!, outcome);

            return new DecisionResponse
            {
                DecisionId = decisionId,
                ApplicationId = application.ApplicationId!,
                EvaluationDate = application.EvaluationDate!.Value,
                DecidedAt = decidedAt,
                Outcome = outcome,
                Reasons = reasons,
                CustomerReasons = CustomerReasons.Of(snapshot, outcome, reasons, trace[0]),
                Rating = rating,
                EnterpriseSize = ratingRuleset.Settings.EnterpriseSize is null ? null : facts.Applicant.EnterpriseSize,
                Limit = limit,
                AuthorityLevel = authorityLevel,
                Pricing = pricing,
                WarningLevel = warningLevel,
                Warnings = warnings,
                Rulesets = snapshot.VersionRefs,
                Portfolio = portfolio.ToRef(),
                Trace = trace,
            };
        }
        catch (Exception ex) when (ex is not RuleEvaluationException)
        {
            throw at.Failure(ex);
        }

        void Done(Stage stage)
        {
            if (timings is null) return;
            var now = Stopwatch.GetTimestamp();
            timings.Set(stage, now - mark);
            mark = now;
        }
    }

    private static RatingResult Rate(CompiledRuleset ruleset, DecisionFacts facts, List<StageTrace> trace, ref EvaluationPoint at)
    {
        var fired = Run(ruleset, facts, ref at);
        var score = ruleset.Settings.BasePoints;
        var inDefault = false;
        var rules = new RuleTrace[fired.Length];
        for (var i = 0; i < fired.Length; i++)
        {
            var rule = ruleset.Rules[i];
            rules[i] = fired[i] ? rule.Fired : rule.Silent;
            if (rule.Spec.DefaultTrigger) inDefault |= fired[i];
            else if (fired[i])
            {
                at.Value(i);
                score += rule.Spec.Points;
            }
        }
        trace.Add(Trace(ruleset, rules));
        at.Result();

        var grades = ruleset.Settings.Grades;
        var rank = 0;
        if (inDefault)
        {
            rank = grades.Length - 1;
        }
        else
        {
            // The last scored grade takes every score below the grade before it.
            var lastScored = ruleset.Settings.ScoredGradeCount - 1;
            while (rank < lastScored && score < grades[rank].MinScore) rank++;
        }
        var grade = grades[rank];
        facts.Rating = new RatingFacts { Score = score, Grade = grade.Grade, GradeRank = rank + 1, Pd = grade.Pd };
        return new RatingResult(score, grade.Grade, rank + 1, grade.Pd);
    }

    private static (string Outcome, IReadOnlyList<DecisionReason> Reasons) Approval(
        CompiledRuleset ruleset, DecisionFacts facts, List<StageTrace> trace, ref EvaluationPoint at)
    {
        var fired = Run(ruleset, facts, ref at);
        var rules = new RuleTrace[fired.Length];
        var declines = new List<DecisionReason>();
        var refers = new List<DecisionReason>();
        for (var i = 0; i < fired.Length; i++)
        {
            var spec = ruleset.Rules[i].Spec;
            rules[i] = fired[i] ? ruleset.Rules[i].Fired : ruleset.Rules[i].Silent;
            if (!fired[i]) continue;
            var reason = new DecisionReason(spec.Code!, spec.Effect!, spec.Message!, ruleset.Name, ruleset.Rules[i].Name);
            (spec.Effect == Decline ? declines : refers).Add(reason);
        }
        trace.Add(Trace(ruleset, rules));

        var outcome = declines.Count > 0 ? Decline : refers.Count > 0 ? Refer : Approve;
        facts.Approval = new ApprovalFacts { Outcome = outcome };
        return (outcome, [.. declines, .. refers]);
    }

    private static LimitResult Limit(
        CompiledRuleset ruleset, DecisionFacts facts, string outcome, List<StageTrace> trace, ref EvaluationPoint at)
    {
        var fired = Run(ruleset, facts, ref at);
        var requested = facts.Loan.Amount;
        var rules = new RuleTrace[fired.Length];
        var caps = new List<LimitCap>();
        var lowest = requested;
        var bindingCap = RequestedAmountCap;
        for (var i = 0; i < fired.Length; i++)
        {
            var rule = ruleset.Rules[i];
            if (!fired[i])
            {
                rules[i] = rule.Silent;
                continue;
            }
            var amount = Math.Max(0m, Output(rule, facts, i, ref at));
            rules[i] = new RuleTrace(rule.Name, true, amount, rule.Spec.Cap);
            caps.Add(new LimitCap(rule.Spec.Cap!, amount, rule.Name));
            if (amount < lowest)
            {
                lowest = amount;
                bindingCap = rule.Spec.Cap!;
            }
        }
        trace.Add(Trace(ruleset, rules));
        at.Result();

        var step = ruleset.Settings.RoundDownTo;
        var approved = outcome == Decline ? 0m : step > 0m ? Math.Floor(lowest / step) * step : Math.Floor(lowest * 100m) / 100m;
        if (outcome == Decline) bindingCap = DeclinedCap;
        facts.Limit = LimitFactsOf(facts, approved, bindingCap);
        return new LimitResult(requested, approved, bindingCap, caps);
    }

    internal static LimitFacts LimitFactsOf(DecisionFacts facts, decimal approved, string bindingCap) => new()
    {
        ApprovedAmount = approved,
        BindingCap = bindingCap,
        CreditExposureAfter = approved + (facts.Applicant.GroupId.Length > 0 && facts.Concentration.BookTotal > 0m
            ? facts.Concentration.GroupExposure
            : facts.Applicant.ExistingExposure),
    };

    /// <summary>
    /// When the caps leave less than the ruleset's minimum amount, the ruleset's BelowMinimum reason applies: an
    /// approval must never carry a limit too small to lend.
    /// </summary>
    private static (string, IReadOnlyList<DecisionReason>, LimitResult) ApplyMinimumAmount(
        CompiledRuleset ruleset, DecisionFacts facts, string outcome, IReadOnlyList<DecisionReason> reasons, LimitResult limit)
    {
        var rule = ruleset.Settings.BelowMinimum!;
        if (outcome == Decline || limit.ApprovedAmount >= ruleset.Settings.MinimumAmount) return (outcome, reasons, limit);

        var reason = new DecisionReason(rule.Code!, rule.Effect!, rule.Message!, ruleset.Name, "Settings.BelowMinimum");
        if (rule.Effect == Decline)
        {
            limit = limit with { ApprovedAmount = 0m, BindingCap = DeclinedCap };
            facts.Limit = LimitFactsOf(facts, 0m, DeclinedCap);
            outcome = Decline;
            reasons = [reason, .. reasons];
        }
        else
        {
            outcome = Refer;
            reasons = [.. reasons.Where(r => r.Effect == Decline), reason, .. reasons.Where(r => r.Effect != Decline)];
        }
        facts.Approval = new ApprovalFacts { Outcome = outcome };
        return (outcome, reasons, limit);
    }

    /// <summary>The approval level the credit needs: the highest level of the fired rules, else the first (automatic).</summary>
    private static string Authorise(CompiledRuleset ruleset, DecisionFacts facts, List<StageTrace> trace, ref EvaluationPoint at)
    {
        var levels = ruleset.Settings.AuthorityLevels;
        var fired = Run(ruleset, facts, ref at);
        var rules = new RuleTrace[fired.Length];
        var highest = 0;
        for (var i = 0; i < fired.Length; i++)
        {
            var rule = ruleset.Rules[i];
            rules[i] = fired[i] ? rule.Fired : rule.Silent;
            if (!fired[i]) continue;
            at.Value(i);
            highest = Math.Max(highest, levels.IndexOf(rule.Spec.AuthorityLevel!));
        }
        trace.Add(Trace(ruleset, rules));
        at.Result();
        return levels[highest];
    }

    /// <summary>
    /// A decline needs nobody's approval: the first (automatic) level. A referral is decided by a person: at least the
    /// level after it. Otherwise the level the matrix gave.
    /// </summary>
    private static string FinalAuthority(ImmutableArray<string> levels, string level, string outcome) => outcome switch
    {
        Decline => levels[0],
        Refer when level == levels[0] => levels[1],
        _ => level,
    };

    /// <summary>
    /// When <paramref name="applies"/>, an application that is not declined is referred with <paramref name="reason"/>,
    /// listed after every earlier reason.
    /// </summary>
    private static (string, IReadOnlyList<DecisionReason>) ReferAbove(
        bool applies, RuleSpec reason, string ruleset, string source, DecisionFacts facts, string outcome, IReadOnlyList<DecisionReason> reasons)
    {
        if (!applies || outcome == Decline) return (outcome, reasons);
        facts.Approval = new ApprovalFacts { Outcome = Refer };
        return (Refer, [.. reasons, new DecisionReason(reason.Code!, reason.Effect!, reason.Message!, ruleset, source)]);
    }

    private static PricingResult Price(CompiledRuleset ruleset, DecisionFacts facts, List<StageTrace> trace, ref EvaluationPoint at)
    {
        var fired = Run(ruleset, facts, ref at);
        var rules = new RuleTrace[fired.Length];
        var components = new List<RateComponent>();
        decimal rate = 0m, floor = decimal.MinValue, cap = decimal.MaxValue;
        decimal? lgd = null, ead = null, riskWeight = null, covered = null;
        for (var i = 0; i < fired.Length; i++)
        {
            var rule = ruleset.Rules[i];
            if (!fired[i])
            {
                rules[i] = rule.Silent;
                continue;
            }
            var value = Output(rule, facts, i, ref at);
            rules[i] = new RuleTrace(rule.Name, true, value);
            switch (rule.Spec.Sets)
            {
                case PricingMeasure.Rate:
                    rate += value;
                    components.Add(new RateComponent(rule.Name, value));
                    break;
                case PricingMeasure.RateFloor: floor = Math.Max(floor, value); break;
                case PricingMeasure.RateCap: cap = Math.Min(cap, value); break;
                case PricingMeasure.Lgd: lgd ??= value; break;
                case PricingMeasure.Ead: ead ??= value; break;
                case PricingMeasure.RiskWeight: riskWeight ??= value; break;
                case PricingMeasure.CoveredExposure: covered ??= value; break;
            }
        }
        trace.Add(Trace(ruleset, rules));
        at.Result();

        if (lgd is null) throw new RuleEvaluationException(ruleset.Name, ruleset.Version, null, "no rule set the LGD; add a rule that always fires as the last LGD rule");
        if (riskWeight is null) throw new RuleEvaluationException(ruleset.Name, ruleset.Version, null, "no rule set the risk weight; add a rule that always fires as the last risk-weight rule");
        var exposure = ead ?? facts.Limit!.ApprovedAmount;
        // Only a ruleset with covered-exposure rules reports the covered part; the rest of the EAD takes the risk weight.
        var coveredPart = covered is { } part ? Math.Clamp(part, 0m, exposure) : (decimal?)null;
        var pd = facts.Rating!.Pd;
        var annualRate = Math.Min(Math.Max(rate, floor), cap);
        return new PricingResult(
            AnnualRate: annualRate,
            Components: components,
            Pd: pd,
            Lgd: lgd.Value,
            Ead: exposure,
            ExpectedLoss: decimal.Round(pd * lgd.Value * exposure, 2, MidpointRounding.ToEven),
            RiskWeight: riskWeight.Value,
            RiskWeightedAssets: decimal.Round((exposure - (coveredPart ?? 0m)) * riskWeight.Value, 2, MidpointRounding.ToEven),
            CoveredExposure: coveredPart);
    }

    private static (string Level, IReadOnlyList<WarningSignal> Warnings, WarningLevel Highest) Warn(
        CompiledRuleset ruleset, DecisionFacts facts, List<StageTrace> trace, ref EvaluationPoint at)
    {
        var fired = Run(ruleset, facts, ref at);
        var rules = new RuleTrace[fired.Length];
        var warnings = new List<WarningSignal>();
        var level = WarningLevel.Green;
        for (var i = 0; i < fired.Length; i++)
        {
            var rule = ruleset.Rules[i];
            rules[i] = fired[i] ? rule.Fired : rule.Silent;
            if (!fired[i]) continue;
            warnings.Add(new WarningSignal(rule.Spec.Code!, LevelName(rule.Spec.Level), rule.Spec.Message!, rule.Name));
            if (rule.Spec.Level > level) level = rule.Spec.Level;
        }
        trace.Add(Trace(ruleset, rules));
        return (LevelName(level), warnings, level);
    }

    public static string LevelName(WarningLevel level) => level switch
    {
        WarningLevel.Green => "green",
        WarningLevel.Yellow => "yellow",
        WarningLevel.Orange => "orange",
        WarningLevel.Red => "red",
        _ => throw new ArgumentOutOfRangeException(nameof(level)),
    };

    /// <summary>Evaluates each rule of a ruleset, in file order, and returns whether it fired.</summary>
    internal static bool[] Run(CompiledRuleset ruleset, DecisionFacts facts, ref EvaluationPoint at)
    {
        var fired = new bool[ruleset.Rules.Length];
        at.Enter(ruleset);
        for (var i = 0; i < fired.Length; i++)
        {
            at.Condition(i);
            fired[i] = ruleset.Rules[i].Condition(facts);
        }
        at.Result();
        return fired;
    }

    /// <summary>The value a fired rule gives; after it, a failure is in adding that value into the stage's result.</summary>
    private static decimal Output(CompiledRule rule, DecisionFacts facts, int index, ref EvaluationPoint at)
    {
        at.Output(index);
        var value = rule.Output!(facts);
        at.Value(index);
        return value;
    }

    internal static StageTrace Trace(CompiledRuleset ruleset, RuleTrace[] rules) =>
        new(ruleset.Stage.WireName(), ruleset.Name, ruleset.Version, rules);
}
