using System.Globalization;
using System.Net;
using System.Text;

namespace CreditDecision.Audit.Backtests;

/// <summary>
/// A backtest report as one self-contained HTML page for a risk committee: figures, and charts drawn as inline SVG
/// (outcome migration, limit distribution, expected loss by grade). No script, no external file.
/// </summary>
public static class BacktestHtml
{
    /// <summary>The reports' one stylesheet, inline so that a page needs no other file.</summary>
    internal const string Stylesheet = """
          body { font: 15px/1.45 system-ui, sans-serif; color: #1d232b; margin: 2rem auto; max-width: 64rem; padding: 0 1rem; }
          h1 { font-size: 1.5rem; } h2 { font-size: 1.15rem; margin-top: 2rem; }
          table { border-collapse: collapse; margin: .5rem 0; } th, td { border: 1px solid #c9d1da; padding: .3rem .6rem; text-align: right; }
          th:first-child, td:first-child { text-align: left; } caption { text-align: left; font-weight: 600; padding-bottom: .3rem; }
          .legend span { display: inline-block; width: .9rem; height: .9rem; vertical-align: middle; margin: 0 .3rem 0 1rem; }
          figure { margin: 1rem 0; } figcaption { font-weight: 600; }
        """;

    private const string RecordedColour = "#5b6b7f";
    private const string CandidateColour = "#c2571a";

    /// <param name="liveTraffic">True for the challenger report: the candidate's results were computed as decisions were made.</param>
    public static string Render(BacktestReport report, bool liveTraffic = false)
    {
        var subject = liveTraffic ? "Challenger" : "Backtest of candidate rules";
        var (noun, summary) = liveTraffic
            ? ("decisions", "evaluated by the challenger rules as they were made, each with the champion decision's application and portfolio version.")
            : ("logged decisions", "re-decided under the candidate rules, each with its own application and portfolio version.");
        var html = new StringBuilder();
        html.Append($$"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>{{subject}} {{Text(Short(report.CandidateSnapshotId))}}</title>
            <style>
            {{Stylesheet}}
            </style>
            </head>
            <body>
            <h1>{{subject}} {{Text(Short(report.CandidateSnapshotId))}}</h1>
            <p>{{report.Decisions.ToString("N0", CultureInfo.InvariantCulture)}} {{noun}} {{Text(Period(report))}} {{summary}}
            {{report.ChangedDecisions.ToString("N0", CultureInfo.InvariantCulture)}} would change.</p>
            <p class="legend">Legend:<span style="background:{{RecordedColour}}"></span>recorded<span style="background:{{CandidateColour}}"></span>candidate</p>
            """);

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
        html.Append("</body>\n</html>\n");
        return html.ToString();
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

    /// <summary>Grouped bars, recorded beside candidate, one group per label, scaled to the largest value.</summary>
    private static string Bars(IReadOnlyList<(string Label, decimal Recorded, decimal Candidate)> groups, string format)
    {
        const int height = 220, top = 20, bottom = 40, barWidth = 28, gap = 24;
        var width = Math.Max(320, groups.Count * (2 * barWidth + gap) + gap);
        var max = Math.Max(1m, groups.Count == 0 ? 1m : groups.Max(g => Math.Max(g.Recorded, g.Candidate)));
        var plot = height - top - bottom;
        var svg = new StringBuilder($"""<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}">""");
        svg.Append($"""<line x1="0" y1="{height - bottom}" x2="{width}" y2="{height - bottom}" stroke="#8896a5"/>""");
        for (var i = 0; i < groups.Count; i++)
        {
            var (label, recorded, candidate) = groups[i];
            var x = gap + i * (2 * barWidth + gap);
            svg.Append(Bar(x, recorded, RecordedColour, $"{label}, recorded: {recorded.ToString(format, CultureInfo.InvariantCulture)}"));
            svg.Append(Bar(x + barWidth, candidate, CandidateColour, $"{label}, candidate: {candidate.ToString(format, CultureInfo.InvariantCulture)}"));
            svg.Append($"""<text x="{x + barWidth}" y="{height - bottom + 16}" text-anchor="middle" font-size="12">{Text(label)}</text>""");
        }
        return svg.Append("</svg>").ToString();

        string Bar(int x, decimal value, string colour, string title)
        {
            var h = (int)Math.Round(plot * value / max);
            return $"""<rect x="{x}" y="{height - bottom - h}" width="{barWidth - 2}" height="{h}" fill="{colour}"><title>{Text(title)}</title></rect>""";
        }
    }

    internal static string Figure(string id, string caption, string svg) =>
        $"""<figure id="{id}" role="img" aria-label="{Text(caption)}"><figcaption>{Text(caption)}</figcaption>{svg}</figure>""";

    internal static string Table(string caption, IReadOnlyList<string> headers, IEnumerable<string[]> rows)
    {
        var table = new StringBuilder($"<table><caption>{Text(caption)}</caption><thead><tr>");
        foreach (var header in headers) table.Append($"<th scope=\"col\">{Text(header)}</th>");
        table.Append("</tr></thead><tbody>");
        foreach (var row in rows) table.Append("<tr>").Append(string.Concat(row.Select(cell => $"<td>{Text(cell)}</td>"))).Append("</tr>");
        return table.Append("</tbody></table>").ToString();
    }

    private static string Period(BacktestReport report) => (report.From, report.To) switch
    {
        (null, null) => "of the whole log",
        ({ } from, null) => $"from {from:yyyy-MM-dd}",
        (null, { } to) => $"before {to:yyyy-MM-dd}",
        ({ } from, { } to) => $"from {from:yyyy-MM-dd} to {to:yyyy-MM-dd}",
    };

    private static string Short(string snapshotId) => snapshotId.Length > 12 ? snapshotId[..12] : snapshotId;

    internal static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Money(decimal value) => "CNY " + value.ToString("N0", CultureInfo.InvariantCulture);

    internal static string Percent(decimal value) => (value * 100m).ToString("0.00", CultureInfo.InvariantCulture) + " %";

    internal static string Text(string value) => WebUtility.HtmlEncode(value);
}
