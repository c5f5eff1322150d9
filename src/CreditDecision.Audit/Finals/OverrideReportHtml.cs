using System.Globalization;
using System.Text;
using CreditDecision.Audit.Backtests;

namespace CreditDecision.Audit.Finals;

/// <summary>The override report as one self-contained HTML page: figures, and bar charts drawn as inline SVG. No script, no external file.</summary>
public static class OverrideReportHtml
{
    private const string FinalsColour = "#5b6b7f";
    private const string OverridesColour = "#c2571a";

    public static string Render(OverrideReport report)
    {
        var html = new StringBuilder($$"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>Overrides of the credit engine</title>
            <style>
            {{BacktestHtml.Stylesheet}}
            </style>
            </head>
            <body>
            <h1>Overrides of the credit engine</h1>
            <p>{{Count(report.Finals)}} final decisions {{Text(Period(report))}} (the latest on each decision); {{Count(report.Overrides)}} override
            the engine's outcome or limit: {{Percent(report.OverrideRate)}}.</p>
            <p class="legend">Legend:<span style="background:{{FinalsColour}}"></span>final decisions<span style="background:{{OverridesColour}}"></span>overrides</p>
            """);
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
        return html.Append("</body>\n</html>\n").ToString();
    }

    /// <summary>Finals beside overrides, one group per key, scaled to the largest count.</summary>
    private static string Bars(IReadOnlyList<OverrideGroup> groups)
    {
        const int height = 200, top = 20, bottom = 40, barWidth = 28, gap = 24;
        var width = Math.Max(320, groups.Count * (2 * barWidth + gap) + gap);
        var max = Math.Max(1L, groups.Count == 0 ? 1L : groups.Max(g => g.Finals));
        var plot = height - top - bottom;
        var svg = new StringBuilder($"""<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}">""");
        svg.Append($"""<line x1="0" y1="{height - bottom}" x2="{width}" y2="{height - bottom}" stroke="#8896a5"/>""");
        for (var i = 0; i < groups.Count; i++)
        {
            var x = gap + i * (2 * barWidth + gap);
            svg.Append(Bar(x, groups[i].Finals, FinalsColour, $"{groups[i].Key}, final decisions: {groups[i].Finals}"));
            svg.Append(Bar(x + barWidth, groups[i].Overrides, OverridesColour, $"{groups[i].Key}, overrides: {groups[i].Overrides}"));
            svg.Append($"""<text x="{x + barWidth}" y="{height - bottom + 16}" text-anchor="middle" font-size="12">{Text(groups[i].Key)}</text>""");
        }
        return svg.Append("</svg>").ToString();

        string Bar(int x, long value, string colour, string title)
        {
            var h = (int)Math.Round((decimal)plot * value / max);
            return $"""<rect x="{x}" y="{height - bottom - h}" width="{barWidth - 2}" height="{h}" fill="{colour}"><title>{Text(title)}</title></rect>""";
        }
    }

    private static string Period(OverrideReport report) => (report.From, report.To) switch
    {
        (null, null) => "in the whole log",
        ({ } from, null) => $"from {from:yyyy-MM-dd}",
        (null, { } to) => $"before {to:yyyy-MM-dd}",
        ({ } from, { } to) => $"from {from:yyyy-MM-dd} to {to:yyyy-MM-dd}",
    };

    // The backtest report's table, figure and number formats, so the two reports read alike.
    private static string Figure(string id, string caption, string svg) => BacktestHtml.Figure(id, caption, svg);

    private static string Table(string caption, IReadOnlyList<string> headers, IEnumerable<string[]> rows) => BacktestHtml.Table(caption, headers, rows);

    private static string Count(long value) => BacktestHtml.Count(value);

    private static string Percent(decimal value) => BacktestHtml.Percent(value);

    private static string Text(string value) => BacktestHtml.Text(value);
}
