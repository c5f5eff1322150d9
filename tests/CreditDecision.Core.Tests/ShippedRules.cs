using CreditDecision.Core.Rules;

namespace CreditDecision.Core.Tests;

/// <summary>The shipped rules folder, loaded once for the tests that read it (it must load without an error).</summary>
internal static class ShippedRules
{
    public static RulesetSnapshot Snapshot { get; } = Load();

    private static RulesetSnapshot Load()
    {
        var result = RulesDirectoryLoader.Load(RepoPaths.Rules, TimeProvider.System);
        Assert.True(result.Errors.Count == 0, "Shipped rules do not load:\n" + string.Join("\n", result.Errors));
        return result.Snapshot!;
    }
}
