using System.Text.Json;
using CreditDecision.Core.Contracts;
using CreditDecision.Core.Decisions;
using CreditDecision.Core.Rules;

namespace CreditDecision.Core.Provisioning;

/// <summary>One industry or region of the book before and under the scenario.</summary>
public sealed record StressRow(string Key, RiskFigures Base, RiskFigures Stressed);

/// <summary>An industry or region whose share of the scenario's measure is above its limit under the scenario.</summary>
public sealed record ConcentrationBreach(string Dimension, string Key, string Measure, decimal Limit, decimal BaseShare, decimal StressedShare);

/// <summary>The book's latest state reviewed again under today's rules, as it is (base) and under the scenario (stressed).</summary>
/// <param name="Loans">Loans of the book stressed.</param>
/// <param name="Skipped">Loans whose latest review today's rules cannot review again (a grade no longer on the master scale, a rule that fails).</param>
/// <param name="StageMigration">From the base stage to the stressed one, per loan.</param>
public sealed record StressReport(
    StressScenarioRef Scenario, DateOnly AsOf, string SnapshotId, long Loans, long Skipped, RiskFigures Base, RiskFigures Stressed,
    IReadOnlyList<StressRow> ByIndustry, IReadOnlyList<StressRow> ByRegion,
    IReadOnlyList<MigrationCell> StageMigration, IReadOnlyList<MigrationCell> ClassificationMigration,
    IReadOnlyList<ConcentrationBreach> ConcentrationBreaches);

/// <summary>
/// Runs a stress scenario over the latest review of each loan: the same rules on stressed inputs. Each loan's revenue
/// change and collateral value change are shocked (so the same signals, grade, stage and LGD rules respond), its rate
/// rises with the loan prime rate (discounting at the higher rate), and every PD is multiplied by the scenario's
/// multipliers for its industry and region and for the rate rise. The base is the same review under the same rules
/// without the shocks, so that the difference is the scenario's alone.
/// </summary>
public static class StressTest
{
    public static async Task<StressReport> RunAsync(
        RulesetSnapshot snapshot, StressScenario scenario, DateOnly asOf, IAsyncEnumerable<(string RequestJson, string ResponseJson)> book,
        CancellationToken cancellationToken = default)
    {
        var grades = MonitoringPipeline.Grades(snapshot).ToArray();
        RiskTally baseTotal = new(), stressedTotal = new();
        RiskBreakdown baseIndustry = Industry(), stressedIndustry = Industry(), baseRegion = Region(), stressedRegion = Region();
        var stages = new Migration(PortfolioRisk.Stages);
        var classifications = new Migration(PortfolioRisk.Classifications);
        long loans = 0, skipped = 0;
        await foreach (var (request, response) in book.WithCancellation(cancellationToken))
        {
            if (Reviewed(snapshot, grades, scenario, request, response) is not var (before, after))
            {
                skipped++;
                continue;
            }
            loans++;
            baseTotal.Add(before);
            stressedTotal.Add(after);
            baseIndustry.Add(before);
            stressedIndustry.Add(after);
            baseRegion.Add(before);
            stressedRegion.Add(after);
            stages.Add(Stage(before), Stage(after), after.Ead!.Value);
            classifications.Add(before.Classification, after.Classification!, after.Ead!.Value);
        }
        var measure = scenario.ConcentrationLimits.Measure;
        var (baseTotals, stressedTotals) = (baseTotal.Figures(), stressedTotal.Figures());
        return new StressReport(
            scenario.ToRef(), asOf, snapshot.Id, loans, skipped, baseTotals, stressedTotals,
            Rows(baseIndustry, stressedIndustry), Rows(baseRegion, stressedRegion), stages.Cells(), classifications.Cells(),
            [
                .. Breaches("industry", baseIndustry, stressedIndustry, measure, scenario.ConcentrationLimits.IndustryShare, baseTotals, stressedTotals),
                .. Breaches("region", baseRegion, stressedRegion, measure, scenario.ConcentrationLimits.RegionShare, baseTotals, stressedTotals),
            ]);
    }

    /// <summary>A stored review reviewed again under today's rules, unshocked and shocked; null when today's rules cannot review it.</summary>
    private static (ReviewedLoan Base, ReviewedLoan Stressed)? Reviewed(
        RulesetSnapshot snapshot, string[] grades, StressScenario scenario, string request, string response)
    {
        LoanReview review;
        Origination? origination;
        try
        {
            review = JsonSerializer.Deserialize<LoanReview>(request, ContractJson.Options)!;
            origination = ReviewedLoan.Read(response).Origination;
        }
        catch (JsonException)
        {
            return null;
        }
        // A review stored without its origination (made before reviews were linked) is reviewed as one that is not linked.
        if (origination is null) review = review with { DecisionId = null, ApplicationId = null };
        if (ReviewValidator.Validate(review, grades).Count > 0) return null;
        try
        {
            var before = MonitoringPipeline.Evaluate(snapshot, review, Guid.Empty, DateTimeOffset.UnixEpoch, origination);
            var terms = before.Origination!;
            var stressedTerms = terms with { AnnualRate = terms.AnnualRate + scenario.RateShockBasisPoints / 10_000m };
            var stressedReview = review with
            {
                RevenueChange = Shocked(review.RevenueChange!.Value, scenario.RevenueShock),
                CollateralValueChange = Shocked(review.CollateralValueChange!.Value, scenario.CollateralValueShock),
            };
            var after = MonitoringPipeline.Evaluate(snapshot, stressedReview, Guid.Empty, DateTimeOffset.UnixEpoch, stressedTerms, PdMultiplier(scenario, terms));
            return (ReviewedLoan.Of(before), ReviewedLoan.Of(after));
        }
        catch (Exception ex) when (ex is RuleEvaluationException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>A change against an earlier value, with a further relative shock on today's value: (1 + change) × (1 + shock) − 1, within the contract's bounds.</summary>
    public static decimal Shocked(decimal change, decimal shock) => Math.Clamp((1m + change) * (1m + shock) - 1m, -1m, 100m);

    public static decimal PdMultiplier(StressScenario scenario, Origination origination) =>
        scenario.IndustryPdMultipliers.GetValueOrDefault(origination.Industry ?? "", 1m)
        * scenario.RegionPdMultipliers.GetValueOrDefault(origination.Region ?? "", 1m)
        * scenario.RateShockPdMultiplier;

    private static string Stage(ReviewedLoan loan) => loan.Stage!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static RiskBreakdown Industry() => new(l => l.Origination?.Industry ?? RiskBreakdown.Unknown);

    private static RiskBreakdown Region() => new(l => l.Origination?.Region ?? RiskBreakdown.Unknown);

    private static IReadOnlyList<StressRow> Rows(RiskBreakdown before, RiskBreakdown after)
    {
        var stressed = after.ByKey();
        return [.. before.Rows().Select(row => new StressRow(row.Key, row.Figures, stressed[row.Key]))];
    }

    private static IEnumerable<ConcentrationBreach> Breaches(
        string dimension, RiskBreakdown before, RiskBreakdown after, string measure, decimal limit, RiskFigures baseTotal, RiskFigures stressedTotal)
    {
        var earlier = before.ByKey();
        // Loans whose industry or region is not known belong to no industry or region a limit is set for.
        foreach (var row in after.Rows().Where(row => row.Key != RiskBreakdown.Unknown))
        {
            var share = Share(row.Figures, stressedTotal, measure);
            if (share > limit) yield return new ConcentrationBreach(dimension, row.Key, measure, limit, Share(earlier[row.Key], baseTotal, measure), share);
        }
    }

    private static decimal Share(RiskFigures part, RiskFigures whole, string measure)
    {
        var (p, w) = measure switch
        {
            "rwa" => (part.RiskWeightedAssets, whole.RiskWeightedAssets),
            "ead" => (part.Ead, whole.Ead),
            _ => (part.Ecl, whole.Ecl),
        };
        return w == 0m ? 0m : decimal.Round(p / w, 6, MidpointRounding.ToEven);
    }
}
