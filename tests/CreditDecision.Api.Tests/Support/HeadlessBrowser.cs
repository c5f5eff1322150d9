using System.Diagnostics;

namespace CreditDecision.Api.Tests;

/// <summary>
/// Debian's chromium, run headless on a local file (tests ask for it through <see cref="Requires.Chromium"/>).
/// </summary>
public static class HeadlessBrowser
{
    private static readonly string[] Candidates = ["/usr/bin/chromium", "/usr/bin/chromium-browser"];

    public static string? Find() => Candidates.FirstOrDefault(File.Exists);

    public static async Task<string> DumpDomAsync(string browser, string page) => await RunAsync(browser, "--dump-dom", new Uri(page).AbsoluteUri);

    public static Task ScreenshotAsync(string browser, string page, string png) =>
        RunAsync(browser, $"--screenshot={png}", "--window-size=1200,1800", "--hide-scrollbars", new Uri(page).AbsoluteUri);

    private static async Task<string> RunAsync(string browser, params string[] arguments)
    {
        var start = new ProcessStartInfo(browser) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=" + Path.Combine(Path.GetTempPath(), "creditdecision-chromium-" + Guid.NewGuid().ToString("N")) })
        {
            start.ArgumentList.Add(argument);
        }
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(limit.Token);
        Assert.True(process.ExitCode == 0, $"chromium failed: {await errors}");
        return await output;
    }
}
