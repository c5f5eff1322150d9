using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;

namespace CreditDecision.Api.Tests;

/// <summary>
/// The report end to end on a generated book of 10,000 applications decided through POST /decide, whose defaults
/// are drawn from their grade's PD (PDs known by construction): the report's AUC, Gini and KS equal an exact
/// Mann–Whitney count and a scan of every threshold, its binomial p-values a term-by-term sum; a grade whose loans
/// default at six times its PD is red, and a population shifted against its reference has a red PSI.
/// </summary>
public sealed class PerformanceAccuracyTests
{
    private const int Loans = 10_000;
    private const string MiscalibratedGrade = "BBB";
    private static readonly DateTimeOffset ReferenceDay = new(2025, 1, 15, 9, 0, 0, TimeSpan.Zero);

    private sealed record Decided(int Index, string Id, decimal Score, string Grade, decimal Pd, bool Booked);

    /// <summary>An applicant drawn at random; <paramref name="shifted"/> applicants are weaker (lower owner scores, more debt, more arrears).</summary>
    private static ApplicationJson Applicant(int i, Random random, bool shifted) => ApplicationJson.FromSample("healthy-manufacturer")
        .With("applicationId", $"APP-BOOK-{i:D5}")
        .With("applicant.creditScore", random.Next(shifted ? 520 : 600, shifted ? 720 : 850))
        .With("applicant.yearsInBusiness", random.Next(1, 25))
        .With("applicant.totalLiabilities", 21_000_000m * (shifted ? 0.5m : 0.2m) + random.Next(0, 10) * 1_000_000m)
        .With("applicant.currentRatio", 0.8m + random.Next(0, 20) / 10m)
        .With("applicant.netProfitMargin", (shifted ? -0.02m : 0.01m) + random.Next(0, 15) / 100m)
        .With("applicant.revenueGrowth", -0.25m + random.Next(0, 50) / 100m)
        .With("applicant.overdueCountLast24m", random.Next(0, shifted ? 5 : 2))
        .With("applicant.legalDisputes", random.Next(0, shifted ? 3 : 2));

    [Fact]
    public async Task On_a_book_of_ten_thousand_the_report_matches_exact_references_and_flags_a_miscalibrated_grade_and_a_shifted_population()
    {
        var clock = new FakeTimeProvider(ReferenceDay);
        using var app = new CreditDecisionApplication { Clock = clock };
        using var client = app.CreateClient();
        var random = new Random(20270101);
        var applicants = Enumerable.Range(0, Loans).Select(i => Applicant(i, random, shifted: i >= Loans / 2)).ToArray();

        var reference = await DecideAsync(client, applicants[..(Loans / 2)]);
        clock.Advance(TimeSpan.FromDays(1));
        var current = await DecideAsync(client, applicants[(Loans / 2)..]);
        clock.Advance(TimeSpan.FromDays(400));

        var defaults = new Random(7);
        var book = current.Where(d => d.Booked).ToList();
        var defaulted = book.ToDictionary(d => d.Id, d => defaults.NextDouble() < (double)d.Pd * (d.Grade == MiscalibratedGrade ? 6 : 1));
        var lines = book.Where(d => defaulted[d.Id]).Select(d => new JsonObject { ["decisionId"] = d.Id, ["event"] = "default", ["date"] = "2025-09-30" }.ToJsonString());
        client.WithKey(TestKeys.ModelRisk);
        var posted = await client.PostAsync("/outcomes", new StringContent(string.Join("\n", lines) + "\n", Encoding.UTF8, MonitoringTests.Ndjson));
        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);

        var window = $"from={ReferenceDay.AddDays(1):yyyy-MM-dd}&to={ReferenceDay.AddDays(2):yyyy-MM-dd}";
        var report = (await client.GetFromJsonAsync<JsonObject>(
            $"/models/sme-rating/performance?{window}&horizonMonths=12&reference={ReferenceDay:yyyy-MM-dd}/{ReferenceDay.AddDays(1):yyyy-MM-dd}"))!;
        var version = report["versions"]!.AsArray().Single()!;
        Assert.Equal(book.Count, version["loans"]!.GetValue<long>());
        Assert.Equal(defaulted.Count(d => d.Value), version["defaults"]!.GetValue<long>());
        Assert.Equal(reference.Count(d => d.Booked), report["reference"]!["loans"]!.GetValue<long>());

        var auc = MannWhitneyAuc(book, defaulted);
        Assert.Equal(auc, version["discrimination"]!["auc"]!.GetValue<double>(), 1e-9);
        Assert.Equal(2 * auc - 1, version["discrimination"]!["gini"]!.GetValue<double>(), 1e-9);
        Assert.Equal(KsOverEveryThreshold(book, defaulted), version["discrimination"]!["ks"]!.GetValue<double>(), 1e-9);

        foreach (var row in version["calibration"]!.AsArray())
        {
            var grade = row!["grade"]!.GetValue<string>();
            var loans = book.Where(d => d.Grade == grade).ToList();
            var observed = loans.Count(d => defaulted[d.Id]);
            Assert.Equal(loans.Count, row["count"]!.GetValue<long>());
            Assert.Equal(observed, row["defaults"]!.GetValue<long>());
            Assert.Equal(BinomialUpperTail(loans.Count, observed, (double)loans[0].Pd), row["binomialPValue"]!.GetValue<double>(), 1e-6);
            if (grade == MiscalibratedGrade) Assert.Equal("red", row["trafficLight"]!.GetValue<string>());
            else Assert.NotEqual("red", row["trafficLight"]!.GetValue<string>());
        }
        Assert.Contains(version["calibration"]!.AsArray(), row => row!["grade"]!.GetValue<string>() == MiscalibratedGrade);
        Assert.Equal("red", version["scoreStability"]!["trafficLight"]!.GetValue<string>());
    }

    private static async Task<List<Decided>> DecideAsync(HttpClient client, ApplicationJson[] applicants)
    {
        var decided = new Decided[applicants.Length];
        await Parallel.ForEachAsync(Enumerable.Range(0, applicants.Length), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
        {
            var decision = await client.DecideOk(applicants[i]);
            var rating = decision.GetProperty("rating");
            decided[i] = new Decided(i, decision.GetProperty("decisionId").GetString()!, rating.GetProperty("score").GetDecimal(),
                rating.GetProperty("grade").GetString()!, rating.GetProperty("pd").GetDecimal(), decision.GetProperty("outcome").GetString() is "approve" or "refer");
        });
        return [.. decided];
    }

    /// <summary>P(a performing loan scores above a defaulted one), ties half, counted over every pair.</summary>
    private static double MannWhitneyAuc(List<Decided> book, Dictionary<string, bool> defaulted)
    {
        var bads = book.Where(d => defaulted[d.Id]).Select(d => d.Score).ToArray();
        var goods = book.Where(d => !defaulted[d.Id]).Select(d => d.Score).ToArray();
        double wins = 0;
        foreach (var good in goods)
        {
            foreach (var bad in bads) wins += good > bad ? 1 : good == bad ? 0.5 : 0;
        }
        return wins / ((double)goods.Length * bads.Length);
    }

    private static double KsOverEveryThreshold(List<Decided> book, Dictionary<string, bool> defaulted)
    {
        double bads = book.Count(d => defaulted[d.Id]), goods = book.Count - bads;
        return book.Select(d => d.Score).Distinct().Max(threshold =>
            Math.Abs(book.Count(d => defaulted[d.Id] && d.Score <= threshold) / bads - book.Count(d => !defaulted[d.Id] && d.Score <= threshold) / goods));
    }

    /// <summary>P(X ≥ k) for X ~ Binomial(n, p) as the sum of its terms, each computed through logarithms.</summary>
    private static double BinomialUpperTail(int n, int k, double p)
    {
        double sum = 0;
        for (var j = k; j <= n; j++)
        {
            sum += Math.Exp(LogChoose(n, j) + j * Math.Log(p) + (n - j) * Math.Log(1 - p));
        }
        return Math.Min(1, sum);
    }

    private static double LogChoose(int n, int k)
    {
        double result = 0;
        for (var i = 1; i <= k; i++) result += Math.Log(n - k + i) - Math.Log(i);
        return result;
    }
}
