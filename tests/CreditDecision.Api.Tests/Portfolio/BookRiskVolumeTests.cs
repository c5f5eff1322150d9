using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc.Testing;
using Xunit.Abstractions;

namespace CreditDecision.Api.Tests;

/// <summary>
/// GET /portfolio/risk over a log holding the reviews of a hundred thousand loans, each with its own terms: the report
/// adds up every one, checked against the sums of the reviews as they were streamed back. Runs alone, as it measures.
/// </summary>
[Collection(WholeMachineCollection.Name)]
public sealed class BookRiskVolumeTests(ITestOutputHelper output)
{
    private static readonly string[] Industries = ["manufacturing", "wholesale-retail", "construction", "hospitality", "transport-logistics"];
    private static readonly string[] Regions = ["jiangsu-suzhou", "jiangsu-nanjing", "zhejiang-hangzhou", "guangdong-guangzhou"];

    [Fact]
    public async Task The_risk_of_a_hundred_thousand_reviewed_loans_adds_up_every_loan()
    {
        const int Loans = 100_000;
        using var app = new CreditDecisionApplication();
        using var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.Timeout = TimeSpan.FromMinutes(5);
        var template = MonitoringTests.HealthyLoan("L-0");
        template["terms"] = new JsonObject
        {
            ["originationGrade"] = "BBB", ["product"] = "revolving-credit-line", ["industry"] = "manufacturing", ["region"] = "jiangsu-suzhou",
            ["collateralType"] = "none", ["collateralValue"] = 0, ["annualRate"] = 0.05, ["maturityDate"] = "2029-06-30",
        };

        var streaming = Stopwatch.StartNew();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/monitor")
        {
            Content = new MonitoringVolumeTests.GeneratedBook(template, Loans, (loan, i) =>
            {
                loan["terms"]!["industry"] = Industries[i % Industries.Length];
                loan["terms"]!["region"] = Regions[i % Regions.Length];
                loan["daysPastDue"] = i % 211 == 0 ? 120 : i % 97 == 0 ? 45 : 0;
            }),
        };
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        decimal ead = 0m, ecl = 0m, nonPerforming = 0m;
        var reviewed = 0;
        while (await reader.ReadLineAsync() is { } line)
        {
            if (JsonNode.Parse(line)!["result"] is not { } result) continue;
            reviewed++;
            ead += result["ead"]!.GetValue<decimal>();
            ecl += result["ecl"]!.GetValue<decimal>();
            if (result["classification"]!.GetValue<string>() is "substandard" or "doubtful" or "loss") nonPerforming += result["outstandingAmount"]!.GetValue<decimal>();
        }
        streaming.Stop();
        Assert.Equal(Loans, reviewed);

        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        var timing = Stopwatch.StartNew();
        var report = (await client.GetFromJsonAsync<JsonObject>("/portfolio/risk"))!;
        timing.Stop();
        var after = GC.GetTotalMemory(forceFullCollection: false);
        var page = Stopwatch.StartNew();
        var html = await client.GetStringAsync("/portfolio/risk?format=html");
        page.Stop();

        output.WriteLine($"{Loans} loans with terms streamed through POST /monitor in {streaming.Elapsed.TotalSeconds:F1} s = {Loans / streaming.Elapsed.TotalSeconds:F0} loans/s; " +
                         $"GET /portfolio/risk over them in {timing.Elapsed.TotalSeconds:F2} s (HTML {page.Elapsed.TotalSeconds:F2} s), managed heap {baseline / 1024 / 1024} MB live before, {after / 1024 / 1024} MB after (not collected)");
        Assert.Equal(Loans, report["reviews"]!.GetValue<long>());
        Assert.Equal(ead, report["total"]!["ead"]!.GetValue<decimal>());
        Assert.Equal(ecl, report["total"]!["ecl"]!.GetValue<decimal>());
        Assert.Equal(nonPerforming, report["total"]!["nonPerformingOutstanding"]!.GetValue<decimal>());
        Assert.True(nonPerforming > 0m);
        Assert.Equal(Industries.Order(), report["byIndustry"]!.AsArray().Select(r => r!["key"]!.GetValue<string>()).Order());
        Assert.Contains("id=\"ecl-by-stage\"", html, StringComparison.Ordinal);
    }
}
