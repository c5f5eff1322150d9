namespace CreditDecision.Api.Tests;

/// <summary>
/// axe-core, the accessibility rules engine, from the npm registry: CREDITDECISION_AXE names its axe.min.js
/// (.ci/run installs it; tests ask for it through <see cref="Requires.Axe"/>).
/// </summary>
public static class AxeCore
{
    public static string? Find()
    {
        var path = Environment.GetEnvironmentVariable("CREDITDECISION_AXE");
        return path is not null && File.Exists(path) ? path : null;
    }
}

/// <summary>axe-core's WCAG 2.0 and 2.1 A and AA rules run on the page the browser shows.</summary>
public static class ConsoleAudit
{
    /// <summary>Each violation with the elements it names.</summary>
    public static async Task<string[]> RunAsync(BrowserSession browser, string axe)
    {
        await browser.AddScriptAsync(axe);
        return await browser.EvaluateAsync<string[]>("""
            (async () => {
              const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
              return result.violations.map(v => `${v.id} (${v.help}): ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', ')}`);
            })()
            """);
    }
}
