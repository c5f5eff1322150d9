using System.Globalization;
using CreditDecision.Audit.Reports;

namespace CreditDecision.Audit.Finals;

/// <summary>The override report as one self-contained HTML page: figures, and bar charts drawn as inline SVG. No script, no external file.</summary>
public static class OverrideReportHtml
{
    private static readonly BarSeries[] Series = [new("final decisions", "#5b6b7f"), new("overrides", "#c2571a")];

    public static string Render(OverrideReport report)
    {
        var html = ReportHtml.Start("Overrides of the credit engine");
        html.Append($"""
            <p>{Count(report.Finals)} final decisions {Text(Period(report))} (the latest on each decision); {Count(report.Overrides)} override
            the engine's outcome or limit: {Percent(report.OverrideRate)}.</p>
            """);
        html.Append(ReportHtml.Legend(Series));
        html.Append("<h2>By override reason</h2>");
        html.Append(report.ByReason.Count == 0 ? "<p>No overrides.</p>" : Table("Overrides by reason", ["Reason", "Overrides", "Rate of all finals"],
            report.ByReason.Select(g => new[] { g.Key, Count(g.Overrides), Percent(g.OverrideRate) })));
        foreach (var (title, id, groups) in new[]
        {
            ("By grade", "by-grade", report.ByGrade),
            ("By authority level", "by-authority-level", report.ByAuthorityLevel),
            ("By credit officer", "by-officer", report.ByOfficer),
        })
        {
            html.Append($"<h2>{Text(title)}</h2>");
            html.Append(Figure(id, $"Final decisions and overrides {title.ToLowerInvariant()}", Bars(groups)));
            html.Append(Table(title, ["", "Finals", "Overrides", "Rate"], groups.Select(g => new[] { g.Key, Count(g.Finals), Count(g.Overrides), Percent(g.OverrideRate) })));
        }
        html.Append($"<h2>Referrals open longer than {report.OpenReferralDays} days ({Count(report.OpenReferralCount)})</h2>");
        html.Append(report.OpenReferrals.Count == 0 ? "<p>None.</p>" : Table("Open referrals, oldest first", ["Application", "Decision", "Decided", "Authority level", "Reasons"],
            report.OpenReferrals.Select(r => new[]
            {
                r.ApplicationId, r.DecisionId.ToString(), r.DecidedAt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), r.AuthorityLevel ?? "", string.Join(", ", r.Reasons.Select(x => x.Code)),
            })));
        html.Append($"<h2>Approvals over knock-outs ({report.KnockOutApprovals.Count})</h2>");
        html.Append(report.KnockOutApprovals.Count == 0 ? "<p>None.</p>" : Table("Each approval over a knock-out", ["Application", "Final decision", "Officer", "Reason", "Knock-outs", "Amount"],
            report.KnockOutApprovals.Select(f => new[]
            {
                f.ApplicationId, f.FinalDecisionId.ToString(), f.Officer, f.OverrideReason ?? "", string.Join(", ", f.KnockOuts), "CNY " + f.ApprovedAmount.ToString("N0", CultureInfo.InvariantCulture),
            })));
        return ReportHtml.End(html);
    }

    private static string Bars(IReadOnlyList<OverrideGroup> groups) =>
        ReportHtml.Bars([.. groups.Select(g => (g.Key, new decimal[] { g.Finals, g.Overrides }))], Series, "N0");

    private static string Period(OverrideReport report) => (report.From, report.To) switch
    {
        (null, null) => "in the whole log",
        ({ } from, null) => $"from {from:yyyy-MM-dd}",
        (null, { } to) => $"before {to:yyyy-MM-dd}",
        ({ } from, { } to) => $"from {from:yyyy-MM-dd} to {to:yyyy-MM-dd}",
    };

    private static string Figure(string id, string caption, string svg) => ReportHtml.Figure(id, caption, svg);

    private static string Table(string caption, IReadOnlyList<string> headers, IEnumerable<string[]> rows) => ReportHtml.Table(caption, headers, rows);

    private static string Count(long value) => ReportHtml.Count(value);

    private static string Percent(decimal value) => ReportHtml.Percent(value);

    private static string Text(string value) => ReportHtml.Text(value);
}
