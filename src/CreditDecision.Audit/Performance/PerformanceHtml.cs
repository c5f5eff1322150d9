using System.Globalization;
using System.Net;
using System.Text;
using CreditDecision.Core.Validation;

namespace CreditDecision.Audit.Performance;

/// <summary>
/// The performance report as one self-contained HTML page for a model validation committee: per version of the
/// rating ruleset, the figures and four charts drawn as inline SVG (ROC curve, KS curves, calibration by grade with
/// Jeffreys intervals on a log scale, PSI bars against the thresholds). No script, no external file.
/// </summary>
public static class PerformanceHtml
{
    private const string DefaultedColour = "#b3261e";
    private const string PerformingColour = "#1f5f99";
    private const string NeutralColour = "#5b6b7f";
    private const int Width = 360, Height = 280, Margin = 44;

    public static string Render(PerformanceReport report)
    {
        var html = new StringBuilder($$"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>Rating model performance: {{Text(report.Ruleset)}}</title>
            <style>
              body { font: 15px/1.45 system-ui, sans-serif; color: #1d232b; margin: 2rem auto; max-width: 72rem; padding: 0 1rem; }
              h1 { font-size: 1.5rem; } h2 { font-size: 1.25rem; margin-top: 2.5rem; } h3 { font-size: 1.05rem; margin-top: 1.5rem; }
              table { border-collapse: collapse; margin: .5rem 0; } th, td { border: 1px solid #c9d1da; padding: .3rem .6rem; text-align: right; }
              th:first-child, td:first-child { text-align: left; } caption { text-align: left; font-weight: 600; padding-bottom: .3rem; }
              .charts { display: flex; flex-wrap: wrap; gap: 1.5rem; } figure { margin: 0; } figcaption { font-weight: 600; }
              .green { color: #1b6b2c; } .amber { color: #8a5300; } .red { color: #b3261e; font-weight: 600; }
            </style>
            </head>
            <body>
            <main>
            <h1>Rating model performance: {{Text(report.Ruleset)}}</h1>
            <p>{{Count(report.Decisions)}} rated decisions {{Text(Period(report.From, report.To))}}; {{Count(report.Booked)}} approved or referred,
            {{Count(report.Observed)}} with their {{report.HorizonMonths}}-month horizon observed as of {{report.AsOf:yyyy-MM-dd}}, of which {{Count(report.Defaults)}} defaulted.
            {{Text(report.DefaultDefinition)}}</p>
            {{(report.Reference is { } reference
                ? $"<p>Stability against the {Count(reference.Loans)} approved or referred decisions {Text(Period(reference.From, reference.To))}.</p>"
                : "<p>No reference population was given (reference=from/to): no stability figures.</p>")}}
            """);
        if (report.Versions.Count == 0) html.Append("<p>No loan has its horizon observed yet.</p>");
        foreach (var version in report.Versions) html.Append(Version(version));
        html.Append("</main>\n</body>\n</html>\n");
        return html.ToString();
    }

    private static string Version(VersionPerformance version)
    {
        var id = version.Version[..Math.Min(12, version.Version.Length)];
        var html = new StringBuilder($"<section aria-labelledby=\"v-{id}\"><h2 id=\"v-{id}\">Version {Text(id)}</h2>");
        html.Append($"<p>{Count(version.Loans)} loans, {Count(version.Defaults)} defaults ({Percent(version.DefaultRate)}).</p>");
        if (version.Discrimination is { } d)
        {
            html.Append(Table("Discrimination", ["Measure", "Value", "95 % interval"],
            [
                ["Gini (2·AUC − 1)", Number(d.Gini), Interval(d.GiniInterval) + " (DeLong)"],
                ["AUC", Number(d.Auc), Interval(d.AucInterval) + " (DeLong)"],
                ["KS", Number(d.Ks), $"{Interval(d.KsInterval)} (bootstrap, {d.BootstrapResamples} resamples); largest at score {d.KsScore.ToString(CultureInfo.InvariantCulture)}"],
            ]));
        }
        else
        {
            html.Append("<p>No discrimination figures: the sample has no defaults or no performing loans.</p>");
        }
        html.Append("<div class=\"charts\">");
        html.Append(Figure($"roc-{id}", "ROC curve", Roc(version.Curve)));
        html.Append(Figure($"ks-{id}", "KS: cumulative shares by score", Ks(version.Curve)));
        html.Append(Figure($"calibration-{id}", "Observed default rate by grade (Jeffreys 95 % interval) against the grade's PD", CalibrationChart(version.Calibration)));
        if (version.ScoreStability is not null) html.Append(Figure($"psi-{id}", "Population stability index", PsiBars(version)));
        html.Append("</div>");

        html.Append(Table("Calibration by grade", ["Grade", "Loans", "Defaults", "Observed rate", "PD", "Binomial p", "Jeffreys interval", "Light"],
            version.Calibration.Select(g => new[]
            {
                g.Grade, Count(g.Count), Count(g.Defaults), Percent(g.ObservedDefaultRate), Percent((double)g.Pd), Number(g.BinomialPValue),
                $"{Percent(g.JeffreysInterval.Lower)} – {Percent(g.JeffreysInterval.Upper)}", Light(g.TrafficLight),
            })));
        if (version.ScoreStability is { } score) html.Append($"<p>Score PSI {Number(score.Psi)}: {Light(score.TrafficLight)}.</p>");
        html.Append(Table("Factors", ["Factor", "Information value", "Share of points", "Mean points", "PSI", "Light"],
            version.Factors.Select(f => new[]
            {
                f.Factor, Number(f.InformationValue), Percent(f.PointsShare), f.MeanPoints.ToString("0.0", CultureInfo.InvariantCulture),
                f.Stability is { } s ? Number(s.Psi) : "–", f.Stability is { } light ? Light(light.TrafficLight) : "–",
            })));
        return html.Append("</section>").ToString();
    }

    private static string Roc(IReadOnlyList<CurvePoint> curve)
    {
        var points = new List<(double X, double Y)> { (0, 0) };
        points.AddRange(curve.Select(p => (p.PerformingShare, p.DefaultedShare)));
        return Plot("share of performing loans at or below the cut-off", "share of defaults at or below it",
            Line([(0, 0), (1, 1)], "#8896a5", dashed: true) + Line(points, DefaultedColour));
    }

    private static string Ks(IReadOnlyList<CurvePoint> curve)
    {
        if (curve.Count == 0) return Plot("score", "cumulative share", "", xTicks: false);
        double low = (double)curve[0].Score, high = Math.Max(low + 1, (double)curve[^1].Score);
        double X(decimal score) => ((double)score - low) / (high - low);
        return Plot($"score ({low:0} to {high:0})", "cumulative share",
            Line([.. curve.Select(p => (X(p.Score), p.DefaultedShare))], DefaultedColour) +
            Line([.. curve.Select(p => (X(p.Score), p.PerformingShare))], PerformingColour) +
            Legend([("defaulted", DefaultedColour), ("performing", PerformingColour)]));
    }

    /// <summary>Rates on a log scale from 0.01 % to 100 %; a rate of 0 is drawn at the floor.</summary>
    private static string CalibrationChart(IReadOnlyList<GradeCalibration> grades)
    {
        const double floor = 1e-4;
        double Y(double rate) => (Math.Log10(Math.Max(rate, floor)) - Math.Log10(floor)) / -Math.Log10(floor);
        var body = new StringBuilder();
        for (var i = 0; i < grades.Count; i++)
        {
            var g = grades[i];
            var x = (i + 0.5) / grades.Count;
            var (px, low) = Point(x, Y(g.JeffreysInterval.Lower));
            var (_, high) = Point(x, Y(g.JeffreysInterval.Upper));
            var (_, observed) = Point(x, Y(g.ObservedDefaultRate));
            var (_, pd) = Point(x, Y((double)g.Pd));
            body.Append($"""<line x1="{F(px)}" y1="{F(low)}" x2="{F(px)}" y2="{F(high)}" stroke="{NeutralColour}" stroke-width="2"/>""");
            body.Append($"""<circle cx="{F(px)}" cy="{F(observed)}" r="4" fill="{DefaultedColour}"><title>{Text($"{g.Grade}: observed {Percent(g.ObservedDefaultRate)}, interval {Percent(g.JeffreysInterval.Lower)} to {Percent(g.JeffreysInterval.Upper)}")}</title></circle>""");
            body.Append($"""<rect x="{F(px - 7)}" y="{F(pd - 1.5)}" width="14" height="3" fill="{PerformingColour}"><title>{Text($"{g.Grade}: PD {Percent((double)g.Pd)}")}</title></rect>""");
            body.Append($"""<text x="{F(px)}" y="{Height - Margin + 14}" text-anchor="middle" font-size="11">{Text(g.Grade)}</text>""");
        }
        return Plot("grade", "default rate, log scale", body.ToString() + Legend([("observed", DefaultedColour), ("PD", PerformingColour)]), xTicks: false, yMin: "0.01 %");
    }

    private static string PsiBars(VersionPerformance version)
    {
        var bars = new List<(string Label, StabilityResult Result)> { ("score", version.ScoreStability!) };
        bars.AddRange(version.Factors.Where(f => f.Stability is not null).Select(f => (f.Factor, f.Stability!)));
        var max = Math.Max(0.3, bars.Max(b => b.Result.Psi));
        var body = new StringBuilder();
        foreach (var threshold in new[] { 0.10, 0.25 })
        {
            var (_, y) = Point(0, threshold / max);
            body.Append($"""<line x1="{Margin}" y1="{F(y)}" x2="{Width - 8}" y2="{F(y)}" stroke="#8896a5" stroke-dasharray="4 3"/>""");
            body.Append($"""<text x="{Width - 8}" y="{F(y - 3)}" text-anchor="end" font-size="10">{threshold:0.00}</text>""");
        }
        var slot = (Width - Margin - 8.0) / bars.Count;
        for (var i = 0; i < bars.Count; i++)
        {
            var (label, result) = bars[i];
            var (x, top) = Point(i * slot / (Width - Margin - 8.0), result.Psi / max);
            var colour = result.TrafficLight switch { TrafficLight.Red => DefaultedColour, TrafficLight.Amber => "#c27c0e", _ => "#2e7d32" };
            body.Append($"""<rect x="{F(x + 1)}" y="{F(top)}" width="{F(Math.Max(1, slot - 2))}" height="{F(Height - Margin - top)}" fill="{colour}"><title>{Text($"{label}: PSI {Number(result.Psi)} ({result.TrafficLight})")}</title></rect>""");
        }
        return Plot($"score, then each factor ({bars.Count} bars)", "PSI", body.ToString(), xTicks: false, yMax: max);
    }

    private static (double X, double Y) Point(double x, double y) => (Margin + x * (Width - Margin - 8), Height - Margin - y * (Height - Margin - 8));

    private static string Line(IReadOnlyList<(double X, double Y)> points, string colour, bool dashed = false) =>
        $"""<polyline fill="none" stroke="{colour}" stroke-width="2"{(dashed ? " stroke-dasharray=\"4 3\"" : "")} points="{string.Join(" ", points.Select(p => Point(p.X, p.Y)).Select(p => $"{F(p.X)},{F(p.Y)}"))}"/>""";

    private static string Legend(IReadOnlyList<(string Label, string Colour)> entries) => string.Concat(entries.Select((e, i) =>
        $"""<rect x="{Margin + 10}" y="{14 + i * 16}" width="10" height="10" fill="{e.Colour}"/><text x="{Margin + 24}" y="{23 + i * 16}" font-size="11">{Text(e.Label)}</text>"""));

    private static string Plot(string xLabel, string yLabel, string body, bool xTicks = true, double yMax = 1, string yMin = "0")
    {
        var svg = new StringBuilder($"""<svg xmlns="http://www.w3.org/2000/svg" width="{Width}" height="{Height}" viewBox="0 0 {Width} {Height}">""");
        svg.Append($"""<line x1="{Margin}" y1="{Height - Margin}" x2="{Width - 8}" y2="{Height - Margin}" stroke="#1d232b"/>""");
        svg.Append($"""<line x1="{Margin}" y1="8" x2="{Margin}" y2="{Height - Margin}" stroke="#1d232b"/>""");
        svg.Append($"""<text x="{Margin - 4}" y="{Height - Margin}" text-anchor="end" font-size="10">{Text(yMin)}</text>""");
        svg.Append($"""<text x="{Margin - 4}" y="14" text-anchor="end" font-size="10">{(yMin == "0" ? yMax.ToString("0.##", CultureInfo.InvariantCulture) : "100 %")}</text>""");
        if (xTicks) svg.Append($"""<text x="{Width - 8}" y="{Height - Margin + 14}" text-anchor="end" font-size="10">1</text>""");
        svg.Append($"""<text x="{(Width + Margin) / 2}" y="{Height - 8}" text-anchor="middle" font-size="11">{Text(xLabel)}</text>""");
        svg.Append($"""<text transform="translate(12 {(Height - Margin) / 2}) rotate(-90)" text-anchor="middle" font-size="11">{Text(yLabel)}</text>""");
        return svg.Append(body).Append("</svg>").ToString();
    }

    private static string Figure(string id, string caption, string svg) =>
        $"""<figure id="{id}"><figcaption>{Text(caption)}</figcaption><div role="img" aria-label="{Text(caption)}">{svg}</div></figure>""";

    private static string Table(string caption, IReadOnlyList<string> headers, IEnumerable<string[]> rows)
    {
        var table = new StringBuilder($"<table><caption>{Text(caption)}</caption><thead><tr>");
        foreach (var header in headers) table.Append($"<th scope=\"col\">{Text(header)}</th>");
        table.Append("</tr></thead><tbody>");
        // Cells are escaped by the caller where they hold text; a traffic light comes as markup.
        foreach (var row in rows) table.Append("<tr>").Append(string.Concat(row.Select(cell => $"<td>{(cell.StartsWith("<span", StringComparison.Ordinal) ? cell : Text(cell))}</td>"))).Append("</tr>");
        return table.Append("</tbody></table>").ToString();
    }

    private static string Light(string light) => $"<span class=\"{Text(light)}\">{Text(light)}</span>";

    private static string Period(DateTimeOffset? from, DateTimeOffset? to) => (from, to) switch
    {
        (null, null) => "over the whole log",
        ({ } start, null) => $"from {start:yyyy-MM-dd}",
        (null, { } end) => $"before {end:yyyy-MM-dd}",
        ({ } start, { } end) => $"from {start:yyyy-MM-dd} to {end:yyyy-MM-dd}",
    };

    private static string Interval(ConfidenceInterval interval) => $"{Number(interval.Lower)} – {Number(interval.Upper)}";

    private static string Number(double value) => value.ToString("0.0000", CultureInfo.InvariantCulture);

    private static string Percent(double value) => (value * 100).ToString("0.00", CultureInfo.InvariantCulture) + " %";

    private static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string F(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);

    private static string Text(string value) => WebUtility.HtmlEncode(value);
}
