namespace CreditDecision.Api.Tests;

/// <summary>
/// axe-core, the accessibility rules engine, from the npm registry: CREDITDECISION_AXE names its axe.min.js
/// (.ci/run installs it). Outside CI a machine without it skips the audit; in CI a missing axe-core is an error.
/// </summary>
public static class AxeCore
{
    public static string? Find()
    {
        var path = Environment.GetEnvironmentVariable("CREDITDECISION_AXE");
        if (path is not null && File.Exists(path)) return path;
        if (Environment.GetEnvironmentVariable("CI") == "true")
        {
            throw new InvalidOperationException("CI must run the accessibility audit: install axe-core from npm and name its axe.min.js in CREDITDECISION_AXE (.ci/run does).");
        }
        return null;
    }
}
