using System.Globalization;
using System.Net;
using System.Text;

namespace CreditDecision.Audit.Reports;

/// <summary>One series of a bar chart: its name in each bar's tooltip and its colour.</summary>
public sealed record BarSeries(string Name, string Colour);

/// <summary>
/// The pieces of the self-contained HTML reports for a risk committee (backtest, portfolio risk, stress test): the
/// page, tables and bar charts drawn as inline SVG. No script, no external file.
/// </summary>
public static class ReportHtml
{
    public static StringBuilder Start(string title) => new($$"""
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <title>{{Text(title)}}</title>
        <style>
          body { font: 15px/1.45 system-ui, sans-serif; color: #1d232b; margin: 2rem auto; max-width: 64rem; padding: 0 1rem; }
          h1 { font-size: 1.5rem; } h2 { font-size: 1.15rem; margin-top: 2rem; }
          table { border-collapse: collapse; margin: .5rem 0; } th, td { border: 1px solid #c9d1da; padding: .3rem .6rem; text-align: right; }
          th:first-child, td:first-child { text-align: left; } caption { text-align: left; font-weight: 600; padding-bottom: .3rem; }
          .legend span { display: inline-block; width: .9rem; height: .9rem; vertical-align: middle; margin: 0 .3rem 0 1rem; }
          figure { margin: 1rem 0; } figcaption { font-weight: 600; }
        </style>
        </head>
        <body>
        <h1>{{Text(title)}}</h1>
        """);

    public static string End(StringBuilder html) => html.Append("</body>\n</html>\n").ToString();

    public static string Legend(params BarSeries[] series) =>
        "<p class=\"legend\">Legend:" + string.Concat(series.Select(s => $"<span style=\"background:{s.Colour}\"></span>{Text(s.Name)}")) + "</p>";

    /// <summary>Bars scaled to the largest value, one group per label with one bar per series, side by side.</summary>
    public static string Bars(IReadOnlyList<(string Label, decimal[] Values)> groups, IReadOnlyList<BarSeries> series, string format)
    {
        const int height = 220, top = 20, bottom = 40, barWidth = 28, gap = 24;
        var perGroup = series.Count;
        var width = Math.Max(320, groups.Count * (perGroup * barWidth + gap) + gap);
        var max = Math.Max(1m, groups.Count == 0 ? 1m : groups.Max(g => g.Values.Max()));
        var plot = height - top - bottom;
        var svg = new StringBuilder($"""<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}">""");
        svg.Append($"""<line x1="0" y1="{height - bottom}" x2="{width}" y2="{height - bottom}" stroke="#8896a5"/>""");
        for (var i = 0; i < groups.Count; i++)
        {
            var (label, values) = groups[i];
            var x = gap + i * (perGroup * barWidth + gap);
            for (var s = 0; s < perGroup; s++)
            {
                var h = (int)Math.Round(plot * values[s] / max);
                var title = $"{label}, {series[s].Name}: {values[s].ToString(format, CultureInfo.InvariantCulture)}";
                svg.Append($"""<rect x="{x + s * barWidth}" y="{height - bottom - h}" width="{barWidth - 2}" height="{h}" fill="{series[s].Colour}"><title>{Text(title)}</title></rect>""");
            }
            svg.Append($"""<text x="{x + perGroup * barWidth / 2}" y="{height - bottom + 16}" text-anchor="middle" font-size="12">{Text(label)}</text>""");
        }
        return svg.Append("</svg>").ToString();
    }

    public static string Figure(string id, string caption, string svg) =>
        $"""<figure id="{id}" role="img" aria-label="{Text(caption)}"><figcaption>{Text(caption)}</figcaption>{svg}</figure>""";

    public static string Table(string caption, IReadOnlyList<string> headers, IEnumerable<string[]> rows)
    {
        var table = new StringBuilder($"<table><caption>{Text(caption)}</caption><thead><tr>");
        foreach (var header in headers) table.Append($"<th scope=\"col\">{Text(header)}</th>");
        table.Append("</tr></thead><tbody>");
        foreach (var row in rows) table.Append("<tr>").Append(string.Concat(row.Select(cell => $"<td>{Text(cell)}</td>"))).Append("</tr>");
        return table.Append("</tbody></table>").ToString();
    }

    /// <summary>The first 12 characters of a version or snapshot id.</summary>
    public static string Short(string version) => version.Length > 12 ? version[..12] : version;

    public static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    public static string Money(decimal value) => "CNY " + value.ToString("N0", CultureInfo.InvariantCulture);

    public static string Percent(decimal value) => (value * 100m).ToString("0.00", CultureInfo.InvariantCulture) + " %";

    public static string Text(string value) => WebUtility.HtmlEncode(value);
}
