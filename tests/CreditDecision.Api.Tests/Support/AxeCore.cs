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
