using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Sockets;
using System.Net;
using System.Text.Json.Nodes;
using CreditDecision.Audit.Log.Sql;
using CreditDecision.Audit.Log;
using Xunit.Abstractions;

namespace CreditDecision.Api.Tests;

/// <summary>
/// Acknowledged means durable: the real service runs as its own process under load and is killed with SIGKILL
/// (kill -9) mid-stream; every decision it answered 200 must be in the log afterwards, with the chain intact.
/// </summary>
public sealed class CrashDurabilityTests(ITestOutputHelper output)
{
    private const int Workers = 16;
    private const int AcknowledgedBeforeKill = 400;

    public static TheoryData<string> Stores => TestStores.All;

    [SkippableTheory, MemberData(nameof(Stores))]
    public async Task A_process_killed_under_load_loses_no_acknowledged_decision(string store)
    {
        Requires.Store(store);
        using var data = new TempDirectory();
        using var log = TestLogDatabase.Create(store);
        var url = $"http://127.0.0.1:{FreePort()}";
        using var service = StartService(url, data.Path, log);
        using var client = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(30) }.WithKey(TestKeys.AllRoles);
        await WaitUntilHealthyAsync(client, service);

        var acknowledged = new ConcurrentBag<Guid>();
        var unanswered = 0;
        using var killing = new CancellationTokenSource();
        var workers = Enumerable.Range(0, Workers).Select(worker => Task.Run(async () =>
        {
            // Each worker sends until the dead process refuses it, so the kill lands while requests are in flight.
            for (var n = 0; ; n++)
            {
                var application = ApplicationJson.FromSample(n % 2 == 0 ? "healthy-manufacturer" : "tax-arrears")
                    .With("applicationId", $"CRASH-{worker}-{n}");
                try
                {
                    var response = await client.Decide(application);
                    if (response.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"status {response.StatusCode}");
                    var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
                    acknowledged.Add(Guid.Parse(body["decisionId"]!.GetValue<string>()));
                }
                catch (HttpRequestException) when (killing.IsCancellationRequested)
                {
                    Interlocked.Increment(ref unanswered);
                    return;
                }
            }
        })).ToArray();

        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (acknowledged.Count < AcknowledgedBeforeKill && DateTime.UtcNow < deadline && !service.HasExited) await Task.Delay(5);
        await killing.CancelAsync();
        service.Kill(entireProcessTree: true); // SIGKILL: no shutdown hooks, no flush
        await service.WaitForExitAsync();
        await Task.WhenAll(workers);

        await using IDecisionLog reopened = store == TestStores.Sqlite
            ? new SqliteDecisionLog(log.ConnectionString)
            : new PostgresDecisionLog(log.ConnectionString);
        var missing = new List<Guid>();
        foreach (var id in acknowledged)
        {
            if (await reopened.FindAsync(id, CancellationToken.None) is null) missing.Add(id);
        }
        var head = await reopened.ReadHeadAsync(CancellationToken.None);
        var chain = await reopened.VerifyAsync(CancellationToken.None);
        output.WriteLine($"{store}: {acknowledged.Count} acknowledged before kill -9, {unanswered} requests cut off, {head.Position} records in the log, {missing.Count} acknowledged missing, chain {chain.Status}");

        Assert.True(acknowledged.Count >= AcknowledgedBeforeKill, $"only {acknowledged.Count} decisions were acknowledged before the deadline");
        Assert.Equal(Workers, unanswered);
        Assert.Empty(missing);
        Assert.Equal("intact", chain.Status);
        Assert.True(head.Position >= acknowledged.Count);
    }

    private static Process StartService(string url, string dataDirectory, TestLogDatabase log)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(ServiceAssembly)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { ServiceAssembly, "--urls", url }) start.ArgumentList.Add(argument);
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Rules__Directory"] = RepoPaths.Rules;
        start.Environment["Portfolio__File"] = RepoPaths.PortfolioFile;
        start.Environment["Rules__ArchiveDirectory"] = Path.Combine(dataDirectory, "rules-archive");
        start.Environment["DecisionLog__Provider"] = log.Provider;
        start.Environment["DecisionLog__ConnectionString"] = log.ConnectionString;
        // Sixteen clients on one address as fast as they can: what is measured is the log, not the per-address limit.
        start.Environment["RateLimiting__ApiRequestsPerWindow"] = "0";
        foreach (var (name, value) in TestKeys.EnvironmentVariables()) start.Environment[name] = value;
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>The service built in the same configuration as these tests.</summary>
    private static string ServiceAssembly
    {
        get
        {
            var framework = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory));
            var configuration = framework.Parent!.Name;
            return Path.Combine(RepoPaths.Root, "src", "CreditDecision.Api", "bin", configuration, framework.Name, "CreditDecision.Api.dll");
        }
    }

    private static async Task WaitUntilHealthyAsync(HttpClient client, Process service)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline && !service.HasExited)
        {
            try
            {
                if ((await client.GetAsync("/health")).StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            await Task.Delay(100);
        }
        throw new InvalidOperationException($"The service did not become healthy (exited: {service.HasExited}).");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
