using CreditDecision.Core.Contracts;
using CreditDecision.Core.Rules;
using CreditDecision.Core.Vocabulary;

namespace CreditDecision.Core.Decisions;

/// <summary>
/// Reviews an existing loan with the snapshot's monitoring ruleset. Like a decision, a pure function of the
/// snapshot and the input; the id and time are stamped by the caller and read by no rule.
/// </summary>
public static class MonitoringPipeline
{
    /// <summary>The grades a review may name: the rating ruleset's master scale, best first.</summary>
    public static IReadOnlyList<string> Grades(RulesetSnapshot snapshot) =>
        [.. snapshot[Stage.Rating].Settings.Grades.Select(g => g.Grade)];

    /// <summary>Evaluates a validated review (see <see cref="ReviewValidator"/>).</summary>
    public static MonitoringResult Evaluate(
        RulesetSnapshot snapshot, LoanReview review, Guid monitoringId, DateTimeOffset reviewedAt)
    {
        var grades = Grades(snapshot);
        var currentRank = IndexOf(grades, review.CurrentGrade!);
        var ruleset = snapshot[Stage.Monitoring];
        var facts = new DecisionFacts(Facts(review, currentRank + 1));

        var at = new EvaluationPoint();
        bool[] fired;
        try
        {
            fired = DecisionPipeline.Run(ruleset, facts, ref at);
        }
        catch (Exception ex)
        {
            throw at.Failure(ex);
        }
        var rules = new RuleTrace[fired.Length];
        var signals = new List<MonitoringSignal>();
        var level = WarningLevel.Green;
        var downgrade = 0;
        var actions = new SortedSet<RecoveryAction>();
        for (var i = 0; i < fired.Length; i++)
        {
            var rule = ruleset.Rules[i];
            rules[i] = fired[i] ? rule.Fired : rule.Silent;
            if (!fired[i]) continue;
            var spec = rule.Spec;
            signals.Add(new MonitoringSignal(spec.Code!, DecisionPipeline.LevelName(spec.Level), KebabCase.Of(spec.Action), spec.Downgrade, spec.Message!, rule.Name));
            if (spec.Level > level) level = spec.Level;
            downgrade = Math.Max(downgrade, spec.Downgrade);
            actions.Add(spec.Action);
        }

        var recommended = actions.Count > 0 ? actions.Max : RecoveryAction.None;
        return new MonitoringResult
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
            SuggestedGrade = SuggestedGrade(snapshot, grades, currentRank, downgrade),
            DowngradeNotches = downgrade,
            Rulesets = [snapshot[Stage.Rating].ToVersionRef(), ruleset.ToVersionRef()],
            Trace = [DecisionPipeline.Trace(ruleset, rules)],
        };
    }

    /// <summary>
    /// The current grade moved down by the downgrade, never past the last scored grade: signals lower a grade, only a
    /// default puts a loan in the default grade (a loan already there stays).
    /// </summary>
    private static string SuggestedGrade(RulesetSnapshot snapshot, IReadOnlyList<string> grades, int currentRank, int downgrade)
    {
        var lastScored = snapshot[Stage.Rating].Settings.ScoredGradeCount - 1;
        return grades[currentRank > lastScored ? currentRank : Math.Min(currentRank + downgrade, lastScored)];
    }

    private static int IndexOf(IReadOnlyList<string> grades, string grade)
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
    };
}
