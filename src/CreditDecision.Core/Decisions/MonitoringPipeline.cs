using CreditDecision.Core.Contracts;
using CreditDecision.Core.Provisioning;
using CreditDecision.Core.Rules;
using CreditDecision.Core.Vocabulary;

namespace CreditDecision.Core.Decisions;

/// <summary>
/// Reviews an existing loan with the snapshot's monitoring ruleset. Like a decision, a pure function of the
/// snapshot and the input; the id and time are stamped by the caller and read by no rule.
/// </summary>
/// <remarks>
/// The signals and default triggers run first and give the grade after the review; when the ruleset provisions (it has
/// a PD term structure), its classification and stage rules then read that grade (<c>grading.*</c>), and the loan's
/// classification, stage and expected credit loss follow (<see cref="LoanAssessment"/>). A ruleset without a PD
/// term structure (reviews recorded before the 2027-Q1 policy) gives the review exactly as it gave it then.
/// </remarks>
public static class MonitoringPipeline
{
    /// <summary>The grades a review may name: the rating ruleset's master scale, best first.</summary>
    public static IReadOnlyList<string> Grades(RulesetSnapshot snapshot) =>
        [.. snapshot[Stage.Rating].Settings.Grades.Select(g => g.Grade)];

    /// <summary>Evaluates a validated review (see <see cref="ReviewValidator"/>).</summary>
    /// <param name="origination">
    /// The loan's origination from the decision log, for a review linked to it (<c>decisionId</c> or <c>applicationId</c>);
    /// null for one that is not, which then uses its <c>terms</c> or the safest assumptions.
    /// </param>
    /// <param name="pdMultiplier">A stress scenario's multiplier of every PD (1 for a review).</param>
    public static MonitoringResult Evaluate(
        RulesetSnapshot snapshot, LoanReview review, Guid monitoringId, DateTimeOffset reviewedAt, Origination? origination = null, decimal pdMultiplier = 1m)
    {
        var grades = Grades(snapshot);
        var currentRank = IndexOf(grades, review.CurrentGrade!);
        var ruleset = snapshot[Stage.Monitoring];
        var facts = new DecisionFacts(Facts(review, currentRank + 1));
        var fired = new bool[ruleset.Rules.Length];
        var provisions = ruleset.Settings.PdTermStructure is not null;
        if (provisions)
        {
            origination ??= review.DecisionId is null && review.ApplicationId is null
                ? Originations.Unlinked(review, snapshot[Stage.Rating].Settings.Grades)
                : throw new ArgumentException("A review linked to its origination decision needs the origination read from the log.", nameof(origination));
        }
        var originationRank = provisions ? IndexOf(grades, origination!.Grade) : 0;

        var at = new EvaluationPoint();
        try
        {
            at.Enter(ruleset);
            Run(ruleset, facts, fired, signalsAndDefaults: true, ref at);
            at.Result();

            var signals = new List<MonitoringSignal>();
            var level = WarningLevel.Green;
            var downgrade = 0;
            var defaulted = false;
            var actions = new SortedSet<RecoveryAction>();
            for (var i = 0; i < fired.Length; i++)
            {
                if (!fired[i]) continue;
                var rule = ruleset.Rules[i];
                var spec = rule.Spec;
                defaulted |= spec.DefaultTrigger;
                if (spec.Code is null) continue;
                signals.Add(new MonitoringSignal(spec.Code, DecisionPipeline.LevelName(spec.Level), KebabCase.Of(spec.Action), spec.Downgrade, spec.Message!, rule.Name));
                if (spec.Level > level) level = spec.Level;
                downgrade = Math.Max(downgrade, spec.Downgrade);
                actions.Add(spec.Action);
            }

            var gradeRank = SuggestedGradeRank(snapshot, currentRank, downgrade, defaulted);
            var recommended = actions.Count > 0 ? actions.Max : RecoveryAction.None;
            var result = new MonitoringResult
            {
                MonitoringId = monitoringId,
                LoanId = review.LoanId!,
                EnterpriseId = review.EnterpriseId!,
                EvaluationDate = review.EvaluationDate!.Value,
                ReviewedAt = reviewedAt,
                WarningLevel = DecisionPipeline.LevelName(level),
                Signals = signals,
                RecoveryPhase = KebabCase.Of(RecoveryPath.PhaseOf(recommended)),
                RecommendedAction = KebabCase.Of(recommended),
                Actions = [.. actions.Select(a => KebabCase.Of(a))],
                CurrentGrade = review.CurrentGrade!,
                SuggestedGrade = grades[gradeRank],
                DowngradeNotches = downgrade,
                Rulesets = [snapshot[Stage.Rating].ToVersionRef(), ruleset.ToVersionRef()],
                Trace = [],
            };
            if (provisions)
            {
                var inDefault = defaulted || snapshot[Stage.Rating].Settings.DefaultGrade?.Grade == review.CurrentGrade;
                facts.Grading = new GradingFacts
                {
                    Grade = result.SuggestedGrade,
                    GradeRank = gradeRank + 1,
                    InDefault = inDefault,
                    WarningLevel = result.WarningLevel,
                    OriginationGrade = origination!.Grade,
                    OriginationGradeRank = originationRank + 1,
                    NotchesSinceOrigination = gradeRank - originationRank,
                    Linked = origination.Source == Origination.FromLog,
                };
                Run(ruleset, facts, fired, signalsAndDefaults: false, ref at);
                result = LoanAssessment.Assess(snapshot, review, result, origination, fired, facts.Grading, pdMultiplier, ref at);
            }

            var rules = new RuleTrace[fired.Length];
            for (var i = 0; i < fired.Length; i++) rules[i] = fired[i] ? ruleset.Rules[i].Fired : ruleset.Rules[i].Silent;
            return result with { Trace = [DecisionPipeline.Trace(ruleset, rules)] };
        }
        catch (Exception ex) when (ex is not RuleEvaluationException)
        {
            throw at.Failure(ex);
        }
    }

    /// <summary>
    /// Evaluates the signals and default triggers (which read the review only), or the rules that read the grade they
    /// give (classification and stage rules), in file order.
    /// </summary>
    private static void Run(CompiledRuleset ruleset, DecisionFacts facts, bool[] fired, bool signalsAndDefaults, ref EvaluationPoint at)
    {
        for (var i = 0; i < fired.Length; i++)
        {
            var spec = ruleset.Rules[i].Spec;
            if ((spec.Code is not null || spec.DefaultTrigger) != signalsAndDefaults) continue;
            at.Condition(i);
            fired[i] = ruleset.Rules[i].Condition(facts);
        }
    }

    /// <summary>
    /// The current grade moved down by the downgrade, never past the last scored grade: signals lower a grade, only a
    /// default puts a loan in the default grade (a loan already there stays).
    /// </summary>
    private static int SuggestedGradeRank(RulesetSnapshot snapshot, int currentRank, int downgrade, bool defaulted)
    {
        var settings = snapshot[Stage.Rating].Settings;
        if (defaulted && settings.DefaultGrade is not null) return settings.Grades.Length - 1;
        var lastScored = settings.ScoredGradeCount - 1;
        return currentRank > lastScored ? currentRank : Math.Min(currentRank + downgrade, lastScored);
    }

    internal static int IndexOf(IReadOnlyList<string> grades, string grade)
    {
        for (var i = 0; i < grades.Count; i++)
        {
            if (grades[i] == grade) return i;
        }
        throw new ArgumentException($"'{grade}' is not a grade of the master scale; validate the review first.", nameof(grade));
    }

    internal static ReviewFacts Facts(LoanReview r, int gradeRank) => new()
    {
        LoanId = r.LoanId!,
        EnterpriseId = r.EnterpriseId!,
        CurrentGrade = r.CurrentGrade!,
        CurrentGradeRank = gradeRank,
        OutstandingAmount = r.OutstandingAmount!.Value,
        UndrawnAmount = r.UndrawnAmount!.Value,
        DaysPastDue = r.DaysPastDue!.Value,
        OverdueInstalments = r.OverdueInstalments!.Value,
        Utilisation = r.Utilisation!.Value,
        RevenueChange = r.RevenueChange!.Value,
        TaxArrears = ContractJson.WireName(r.TaxArrears!.Value),
        NewLegalCases = r.NewLegalCases!.Value,
        EnforcementAction = r.EnforcementAction!.Value,
        KeyPersonChange = r.KeyPersonChange!.Value,
        OwnershipChange = r.OwnershipChange!.Value,
        CollateralValueChange = r.CollateralValueChange!.Value,
        GuarantorStatus = ContractJson.WireName(r.GuarantorStatus!.Value),
        RelatedPartyDefault = r.RelatedPartyDefault!.Value,
        IndustryDownturn = r.IndustryDownturn!.Value,
        Restructured = r.Restructured is not null,
        DiminishedObligation = r.Restructured?.DiminishedObligation ?? false,
        RestructuringObservationMonths = r.Restructured is { } restructuring
            ? CalendarMonths.Elapsed(restructuring.ObservationStart ?? restructuring.Date!.Value, r.EvaluationDate!.Value)
            : 0,
        BorrowerNonPerformingShare = r.BorrowerNonPerformingShare ?? 0m,
        OverdueOver90ShareAllBanks = r.OverdueOver90ShareAllBanks ?? 0m,
    };
}
