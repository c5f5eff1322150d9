using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc.Testing;
using Xunit.Abstractions;

namespace CreditDecision.Api.Tests;

/// <summary>
/// A loan book far larger than memory should hold, streamed through POST /monitor. Runs alone: the heap it samples is
/// the process's, which tests running beside it would inflate.
/// </summary>
[Collection(WholeMachineCollection.Name)]
public sealed class MonitoringVolumeTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_hundred_thousand_loan_book_streams_through_in_bounded_memory()
    {
        const int Loans = 100_000;
        using var app = new CreditDecisionApplication();
        // A client that follows redirects keeps a copy of each request body to send again: that would hold the book.
        using var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.Timeout = TimeSpan.FromMinutes(5);
        var template = MonitoringTests.HealthyLoan("L-0");

        // What the stream holds is what survives a full collection, measured against the warmed-up service's own: the
        // heap without collecting also counts garbage, of this test and of the tests that ran before it.
        await client.PostAsync("/monitor", new StringContent(template.ToJsonString(), Encoding.UTF8, MonitoringTests.Ndjson));
        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        long peakLive = baseline;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peakLive = Math.Max(peakLive, GC.GetTotalMemory(forceFullCollection: true));
                await Task.Delay(500);
            }
        });

        var clock = Stopwatch.StartNew();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/monitor") { Content = new GeneratedBook(template, Loans) };
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        long results = 0, expectedLine = 1;
        JsonNode? last = null;
        while (await reader.ReadLineAsync() is { } line)
        {
            last = JsonNode.Parse(line);
            if (last!["result"] is null) continue;
            Assert.Equal(expectedLine++, last["line"]!.GetValue<long>());
            results++;
        }
        clock.Stop();
        await sampling.CancelAsync();
        await sampler;

        var growth = (peakLive - baseline) / 1024 / 1024;
        output.WriteLine($"{Loans} loans streamed in {clock.Elapsed.TotalSeconds:F1} s = {Loans / clock.Elapsed.TotalSeconds:F0} loans/s, live managed heap {baseline / 1024 / 1024} MB before, at most {peakLive / 1024 / 1024} MB during (+{growth} MB)");
        Assert.Equal(Loans, results);
        Assert.Equal(Loans, last!["summary"]!["reviewed"]!.GetValue<long>());
        Assert.Equal(Loans + 1L, Convert.ToInt64(await app.Log.ScalarAsync("SELECT COUNT(*) FROM decisions WHERE kind = 'monitoring'"))); // and the warm-up's
        // The book alone is ~60 MB of JSON in and ~250 MB out; holding either would show here.
        Assert.True(growth < 32, $"the live managed heap grew by {growth} MB while the book streamed");
    }

    /// <summary>An NDJSON book written as it is sent, never held in memory.</summary>
    internal sealed class GeneratedBook : HttpContent
    {
        private readonly JsonObject _template;
        private readonly int _loans;
        private readonly Action<JsonObject, int>? _vary;

        /// <param name="vary">Changes the template for loan i (from 1) beyond its id, arrears and revenue.</param>
        public GeneratedBook(JsonObject template, int loans, Action<JsonObject, int>? vary = null)
        {
            _template = template;
            _loans = loans;
            _vary = vary;
            Headers.ContentType = new MediaTypeHeaderValue(MonitoringTests.Ndjson);
        }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await using var writer = new StreamWriter(stream, new UTF8Encoding(false), 64 * 1024, leaveOpen: true);
            for (var i = 1; i <= _loans; i++)
            {
                _template["loanId"] = $"L-{i:D6}";
                _template["daysPastDue"] = i % 97 == 0 ? 45 : 0;
                _template["revenueChange"] = i % 13 == 0 ? -0.35 : 0.04;
                _vary?.Invoke(_template, i);
                await writer.WriteAsync(_template.ToJsonString());
                await writer.WriteAsync('\n');
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
