namespace CreditDecision.Core.Decisions;

/// <summary>
/// A rule could not be evaluated (for example it divided by zero), or a stage could not produce its result.
/// The decision is refused rather than guessed: a rule error must never turn into a decline or an approval.
/// </summary>
public sealed class RuleEvaluationException(string ruleset, string version, string? rule, string reason)
    : Exception($"ruleset '{ruleset}' ({version[..12]}){(rule is null ? "" : $" rule '{rule}'")}: {reason}")
{
    public string Ruleset { get; } = ruleset;
    public string Version { get; } = version;
    public string? Rule { get; } = rule;
}
