using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace CreditDecision.Api.Tests;

/// <summary>
/// Runs scripts/fault-under-load.sh against the Release build: wrk on POST /decide while the rule files are rewritten
/// 20 times (two invalid versions), then SIGKILL under load and a restart. Every decision wrk saw acknowledged must be
/// in the log and replay identical, and the audit chain must be intact. About two minutes; it runs alone (see
/// <see cref="WholeMachineCollection"/>) because it keeps both cores busy.
/// </summary>
[Collection(WholeMachineCollection.Name)]
[Trait("Category", "Long")]
public sealed class FaultUnderLoadTests(ITestOutputHelper output)
{
    /// <summary>Beyond the script's own limit (240 s), so the script's report is what a slow run shows.</summary>
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task Faults_under_load_lose_no_acknowledged_decision_and_every_one_replays_identical()
    {
        var start = new ProcessStartInfo("bash")
        {
            WorkingDirectory = RepoPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(RepoPaths.Root, "scripts", "fault-under-load.sh"));
        using var script = Process.Start(start)!;
        var stdout = script.StandardOutput.ReadToEndAsync();
        var stderr = script.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(Limit);
        try
        {
            await script.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            script.Kill(entireProcessTree: true);
            await script.WaitForExitAsync();
        }
        var report = await stdout;
        output.WriteLine(report);
        output.WriteLine(await stderr);

        var acknowledged = Figure(report, "decisions acknowledged");
        Assert.True(acknowledged > 0, "no decision was acknowledged");
        Assert.Equal(acknowledged, Figure(report, "decisions found"));
        Assert.Equal(0, Figure(report, "replay mismatches"));
        Assert.Equal(0, Figure(report, "5xx"));
        Assert.Matches(new Regex(@"^audit: intact \(\d+ records\)$", RegexOptions.Multiline), report);
        Assert.Equal(0, script.ExitCode);
    }

    /// <summary>The number on the script's line "name: N".</summary>
    private static long Figure(string report, string name)
    {
        var match = Regex.Match(report, $@"^{Regex.Escape(name)}: (\d+)$", RegexOptions.Multiline);
        Assert.True(match.Success, $"the script printed no '{name}:' line");
        return long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }
}
