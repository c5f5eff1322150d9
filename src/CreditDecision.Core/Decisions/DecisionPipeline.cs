using System.Diagnostics;
using CreditDecision.Core.Contracts;
using CreditDecision.Core.Portfolio;
using CreditDecision.Core.Rules;
using CreditDecision.Core.Telemetry;
using CreditDecision.Core.Vocabulary;

namespace CreditDecision.Core.Decisions;

/// <summary>
/// Runs the stages of a decision over one ruleset snapshot and one portfolio version: rating, approval, limit, pricing, early warning. A pure
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
    public static DecisionResponse Evaluate(
        RulesetSnapshot snapshot, PortfolioSnapshot portfolio, LoanApplication application, Guid decisionId, DateTimeOffset decidedAt,
        StageTimings? timings = null)
    {
        var facts = FactsBuilder.Build(application, portfolio);
        var trace = new List<StageTrace>(Stages.DecisionOrder.Count);
        var mark = timings is null ? 0 : Stopwatch.GetTimestamp();
        var at = new EvaluationPoint();
        try
        {
            var rating = Rate(snapshot[Stage.Rating], facts, trace, ref at);
            Done(Stage.Rating);
            var (outcome, reasons) = Approval(snapshot[Stage.Approval], facts, trace, ref at);
            Done(Stage.Approval);
            var limit = Limit(snapshot[Stage.Limit], facts, outcome, trace, ref at);
            (outcome, reasons, limit) = ApplyMinimumAmount(snapshot[Stage.Limit], facts, outcome, reasons, limit);
            Done(Stage.Limit);
            var pricing = Price(snapshot[Stage.Pricing], facts, trace, ref at);
            Done(Stage.Pricing);
            var (warningLevel, warnings) = Warn(snapshot[Stage.EarlyWarning], facts, trace, ref at);
            Done(Stage.EarlyWarning);

            return new DecisionResponse
            {
                DecisionId = decisionId,
                ApplicationId = application.ApplicationId!,
                EvaluationDate = application.EvaluationDate!.Value,
                DecidedAt = decidedAt,
                Outcome = outcome,
                Reasons = reasons,
                Rating = rating,
                Limit = limit,
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
        var rules = new RuleTrace[fired.Length];
        for (var i = 0; i < fired.Length; i++)
        {
            var rule = ruleset.Rules[i];
            if (fired[i])
            {
                at.Value(i);
                score += rule.Spec.Points;
            }
            rules[i] = new RuleTrace(rule.Name, fired[i], fired[i] ? rule.Spec.Points : null);
        }
        trace.Add(Trace(ruleset, rules));
        at.Result();

        var grades = ruleset.Settings.Grades;
        var rank = 0;
        while (rank < grades.Length - 1 && score < grades[rank].MinScore) rank++;
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
            rules[i] = new RuleTrace(ruleset.Rules[i].Name, fired[i], Code: fired[i] ? spec.Code : null);
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
                rules[i] = new RuleTrace(rule.Name, false);
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
        facts.Limit = new LimitFacts { ApprovedAmount = approved, BindingCap = bindingCap };
        return new LimitResult(requested, approved, bindingCap, caps);
    }

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
            facts.Limit = new LimitFacts { ApprovedAmount = 0m, BindingCap = DeclinedCap };
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

    private static PricingResult Price(CompiledRuleset ruleset, DecisionFacts facts, List<StageTrace> trace, ref EvaluationPoint at)
    {
        var fired = Run(ruleset, facts, ref at);
        var rules = new RuleTrace[fired.Length];
        var components = new List<RateComponent>();
        decimal rate = 0m, floor = decimal.MinValue, cap = decimal.MaxValue;
        decimal? lgd = null, ead = null, riskWeight = null;
        for (var i = 0; i < fired.Length; i++)
        {
            var rule = ruleset.Rules[i];
            if (!fired[i])
            {
                rules[i] = new RuleTrace(rule.Name, false);
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
            }
        }
        trace.Add(Trace(ruleset, rules));
        at.Result();

        if (lgd is null) throw new RuleEvaluationException(ruleset.Name, ruleset.Version, null, "no rule set the LGD; add a rule that always fires as the last LGD rule");
        if (riskWeight is null) throw new RuleEvaluationException(ruleset.Name, ruleset.Version, null, "no rule set the risk weight; add a rule that always fires as the last risk-weight rule");
        var exposure = ead ?? facts.Limit!.ApprovedAmount;
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
            RiskWeightedAssets: decimal.Round(exposure * riskWeight.Value, 2, MidpointRounding.ToEven));
    }

    private static (string Level, IReadOnlyList<WarningSignal> Warnings) Warn(
        CompiledRuleset ruleset, DecisionFacts facts, List<StageTrace> trace, ref EvaluationPoint at)
    {
        var fired = Run(ruleset, facts, ref at);
        var rules = new RuleTrace[fired.Length];
        var warnings = new List<WarningSignal>();
        var level = WarningLevel.Green;
        for (var i = 0; i < fired.Length; i++)
        {
            var rule = ruleset.Rules[i];
            rules[i] = new RuleTrace(rule.Name, fired[i], Code: fired[i] ? rule.Spec.Code : null);
            if (!fired[i]) continue;
            warnings.Add(new WarningSignal(rule.Spec.Code!, LevelName(rule.Spec.Level), rule.Spec.Message!, rule.Name));
            if (rule.Spec.Level > level) level = rule.Spec.Level;
        }
        trace.Add(Trace(ruleset, rules));
        return (LevelName(level), warnings);
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
