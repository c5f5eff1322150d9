using System.Globalization;
using CreditDecision.Audit.Reports;
using static CreditDecision.Audit.Reports.ReportHtml;

namespace CreditDecision.Audit.Backtests;

/// <summary>
/// A backtest report as one self-contained HTML page for a risk committee: figures, and charts drawn as inline SVG
/// (outcome migration, limit distribution, expected loss by grade). No script, no external file.
/// </summary>
public static class BacktestHtml
{
    private static readonly BarSeries[] Series = [new("recorded", "#5b6b7f"), new("candidate", "#c2571a")];

    /// <param name="liveTraffic">True for the challenger report: the candidate's results were computed as decisions were made.</param>
    public static string Render(BacktestReport report, bool liveTraffic = false)
    {
        var subject = liveTraffic ? "Challenger" : "Backtest of candidate rules";
        var (noun, summary) = liveTraffic
            ? ("decisions", "evaluated by the challenger rules as they were made, each with the champion decision's application and portfolio version.")
            : ("logged decisions", "re-decided under the candidate rules, each with its own application and portfolio version.");
        var html = ReportHtml.Start($"{subject} {Short(report.CandidateSnapshotId)}");
        html.Append($"""
            <p>{report.Decisions.ToString("N0", CultureInfo.InvariantCulture)} {noun} {Text(Period(report))} {summary}
            {report.ChangedDecisions.ToString("N0", CultureInfo.InvariantCulture)} would change.</p>
            """);
        html.Append(ReportHtml.Legend(Series));

        html.Append("<h2>Outcomes</h2>");
        html.Append(OutcomeTable(report));
        html.Append(Figure("outcome-migration", "Decisions by outcome", Bars(
            [.. report.Recorded.Outcomes.Keys.Select(o => (o, (decimal)report.Recorded.Outcomes[o], (decimal)report.Candidate.Outcomes[o]))], "N0")));
        html.Append(MigrationTable(report));

        html.Append("<h2>Approved limits</h2>");
        html.Append($"<p>Total approved: recorded {Money(report.Recorded.TotalApprovedLimit)}, candidate {Money(report.Candidate.TotalApprovedLimit)}; " +
                    $"mean per decision {Money(report.Recorded.MeanApprovedLimit)} and {Money(report.Candidate.MeanApprovedLimit)}.</p>");
        html.Append(Figure("limit-distribution", "Decisions by approved amount (CNY)", Bars(
            [.. report.Recorded.LimitDistribution.Keys.Select(b => (b, (decimal)report.Recorded.LimitDistribution[b], (decimal)report.Candidate.LimitDistribution[b]))], "N0")));

        html.Append("<h2>Pricing and expected loss by grade</h2>");
        html.Append(Figure("expected-loss-by-grade", "Expected loss by grade (CNY)", Bars(
            [.. report.ByGrade.Select(g => (g.Grade, g.RecordedExpectedLoss, g.CandidateExpectedLoss))], "N0")));
        html.Append(GradeTable(report));

        html.Append("<h2>Reason codes that newly fire</h2>");
        html.Append(report.NewReasonCodes.Count == 0
            ? "<p>None.</p>"
            : Table("New reason codes", ["Code", "Decisions"], report.NewReasonCodes.Select(p => new[] { p.Key, Count(p.Value) })));

        if (report.CaseFailures.Count > 0)
        {
            html.Append("<h2>Cases of the candidate folder that fail</h2><ul>");
            foreach (var failure in report.CaseFailures) html.Append($"<li>{Text(failure.Message)}</li>");
            html.Append("</ul>");
        }

        html.Append($"<h2>Changed decisions (page {report.Page}, {report.Changed.Count} of {Count(report.ChangedDecisions)})</h2>");
        html.Append(Table("Changed decisions", ["Application", "Decision", "Recorded", "Candidate", "Recorded limit", "Candidate limit", "Fields"],
            report.Changed.Select(c => new[]
            {
                c.ApplicationId, c.DecisionId.ToString(), c.RecordedOutcome, c.CandidateOutcome, Money(c.RecordedLimit), Money(c.CandidateLimit),
                string.Join(", ", c.Differences.Select(d => d.Path).Take(6)) + (c.Differences.Count > 6 ? ", …" : ""),
            })));
        return ReportHtml.End(html);
    }

    private static string OutcomeTable(BacktestReport report) => Table("Outcome counts and rates", ["Outcome", "Recorded", "Rate", "Candidate", "Rate"],
        report.Recorded.Outcomes.Keys.Select(o => new[]
        {
            o, Count(report.Recorded.Outcomes[o]), Percent(report.Recorded.Rates[o]), Count(report.Candidate.Outcomes[o]), Percent(report.Candidate.Rates[o]),
        }));

    private static string MigrationTable(BacktestReport report)
    {
        var outcomes = report.Migration.Keys.ToList();
        return Table("Migration: recorded outcome (rows) to candidate outcome (columns)", ["Recorded \u2192 candidate", .. outcomes],
            outcomes.Select(from => (string[])[from, .. outcomes.Select(to => Count(report.Migration[from][to]))]));
    }

    private static string GradeTable(BacktestReport report) => Table("By grade",
        ["Grade", "Recorded", "Candidate", "Mean rate recorded", "Mean rate candidate", "Expected loss recorded", "Expected loss candidate"],
        report.ByGrade.Select(g => new[]
        {
            g.Grade, Count(g.Recorded), Count(g.Candidate), Percent(g.RecordedMeanRate), Percent(g.CandidateMeanRate), Money(g.RecordedExpectedLoss), Money(g.CandidateExpectedLoss),
        }));

    private static string Bars(IReadOnlyList<(string Label, decimal Recorded, decimal Candidate)> groups, string format) =>
        ReportHtml.Bars([.. groups.Select(g => (g.Label, new[] { g.Recorded, g.Candidate }))], Series, format);

    private static string Period(BacktestReport report) => (report.From, report.To) switch
    {
        (null, null) => "of the whole log",
        ({ } from, null) => $"from {from:yyyy-MM-dd}",
        (null, { } to) => $"before {to:yyyy-MM-dd}",
        ({ } from, { } to) => $"from {from:yyyy-MM-dd} to {to:yyyy-MM-dd}",
    };
}
