using CreditDecision.Audit.Reports;
using CreditDecision.Core.Provisioning;
using static CreditDecision.Audit.Reports.ReportHtml;

namespace CreditDecision.Audit.Provisioning;

/// <summary>
/// The portfolio risk and stress reports as self-contained HTML pages for a risk committee (see <see cref="ReportHtml"/>).
/// </summary>
public static class BookHtml
{
    private const string BaseColour = "#5b6b7f";
    private static readonly BarSeries[] StressSeries = [new("base", BaseColour), new("stressed", "#c2571a")];

    public static string Render(PortfolioRiskReport report)
    {
        var html = ReportHtml.Start($"Portfolio risk on {report.AsOf:yyyy-MM-dd}");
        html.Append($"<p>{Count(report.Reviews)} loans with a review in the decision log by the end of {report.AsOf:yyyy-MM-dd}, " +
                    $"each counted by its latest review; {Count(report.NotAssessed)} of them were reviewed by rules that did not provision and are in no figure.</p>");
        html.Append(Table("Book", Headers("Total"), [Row("all loans", report.Total)]));
        html.Append(Figure("ecl-by-stage", "Expected credit loss by stage (CNY)", Bars([.. report.ByStage.Select(r => ("stage " + r.Key, r.Figures.Ecl))])));
        html.Append(Figure("ead-by-grade", "Exposure at default by grade (CNY)", Bars([.. report.ByGrade.Select(r => (r.Key, r.Figures.Ead))])));
        foreach (var (title, rows) in new[]
                 {
                     ("By grade", report.ByGrade), ("By stage", report.ByStage), ("By classification", report.ByClassification),
                     ("By product", report.ByProduct), ("By industry", report.ByIndustry), ("By region", report.ByRegion),
                 })
        {
            html.Append($"<h2>{Text(title)}</h2>").Append(Table(title, Headers(title[3..]), rows.Select(r => Row(r.Key, r.Figures))));
        }
        if (report.StageMigration is { } stages && report.ClassificationMigration is { } classes)
        {
            html.Append($"<h2>Migration since {report.Since:yyyy-MM-dd}</h2>");
            html.Append(MigrationTable("Stage migration", stages)).Append(MigrationTable("Classification migration", classes));
        }
        return ReportHtml.End(html);
    }

    public static string Render(StressReport report)
    {
        var html = ReportHtml.Start($"Stress test: {report.Scenario.Label}");
        html.Append($"<p>Scenario <strong>{Text(report.Scenario.Name)}</strong> (version {Text(Short(report.Scenario.Version))}) over the latest review of " +
                    $"{Count(report.Loans)} loans by the end of {report.AsOf:yyyy-MM-dd}, reviewed again under rules {Text(Short(report.SnapshotId))}; " +
                    $"{Count(report.Skipped)} could not be reviewed again under these rules.</p>");
        html.Append(Legend(StressSeries));
        html.Append(Table("Book, base and stressed", Headers("Book"), [Row("base", report.Base), Row("stressed", report.Stressed)]));
        html.Append(Figure("ecl-by-industry", "Expected credit loss by industry (CNY)", Bars([.. report.ByIndustry.Select(r => (r.Key, r.Base.Ecl, r.Stressed.Ecl))])));
        html.Append(Figure("ecl-by-region", "Expected credit loss by region (CNY)", Bars([.. report.ByRegion.Select(r => (r.Key, r.Base.Ecl, r.Stressed.Ecl))])));
        foreach (var (title, rows) in new[] { ("By industry", report.ByIndustry), ("By region", report.ByRegion) })
        {
            html.Append($"<h2>{Text(title)}</h2>").Append(Table(title, ["Key", "Base ECL", "Stressed ECL", "Base RWA", "Stressed RWA", "Base NPL ratio", "Stressed NPL ratio"],
                rows.Select(r => new[]
                {
                    r.Key, Money(r.Base.Ecl), Money(r.Stressed.Ecl), Money(r.Base.RiskWeightedAssets), Money(r.Stressed.RiskWeightedAssets),
                    Percent(r.Base.NonPerformingRatio), Percent(r.Stressed.NonPerformingRatio),
                })));
        }
        html.Append("<h2>Migration, base to stressed</h2>");
        html.Append(MigrationTable("Stage migration", report.StageMigration)).Append(MigrationTable("Classification migration", report.ClassificationMigration));
        html.Append("<h2>Concentration limits breached under the scenario</h2>");
        html.Append(report.ConcentrationBreaches.Count == 0
            ? "<p>None.</p>"
            : Table("Breaches", ["Dimension", "Key", "Measure", "Limit", "Base share", "Stressed share"], report.ConcentrationBreaches.Select(b => new[]
            {
                b.Dimension, b.Key, b.Measure, Percent(b.Limit), Percent(b.BaseShare), Percent(b.StressedShare),
            })));
        return ReportHtml.End(html);
    }

    private static string[] Headers(string key) => [key, "Loans", "Outstanding", "EAD", "ECL", "RWA", "Non-performing", "NPL ratio", "ECL / EAD"];

    private static string[] Row(string key, RiskFigures f) =>
        [key, Count(f.Loans), Money(f.Outstanding), Money(f.Ead), Money(f.Ecl), Money(f.RiskWeightedAssets), Money(f.NonPerformingOutstanding), Percent(f.NonPerformingRatio), Percent(f.EclToEad)];

    private static string MigrationTable(string caption, IReadOnlyList<MigrationCell> cells) =>
        Table(caption, ["From", "To", "Loans", "EAD"], cells.Select(c => new[] { c.From, c.To, Count(c.Loans), Money(c.Ead) }));

    private static string Bars(IReadOnlyList<(string Label, decimal Value)> bars) =>
        ReportHtml.Bars([.. bars.Select(b => (b.Label, new[] { b.Value }))], [new("CNY", BaseColour)], "N0");

    private static string Bars(IReadOnlyList<(string Label, decimal Base, decimal Stressed)> groups) =>
        ReportHtml.Bars([.. groups.Select(g => (g.Label, new[] { g.Base, g.Stressed }))], StressSeries, "N0");
}
