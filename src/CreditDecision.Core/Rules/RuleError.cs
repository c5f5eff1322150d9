namespace CreditDecision.Core.Rules;

/// <summary>Why a rule file cannot go live, located as precisely as possible.</summary>
/// <param name="File">Path of the rule file.</param>
/// <param name="Ruleset">Workflow name, when it could be read.</param>
/// <param name="Rule">Rule name, when the error belongs to one rule.</param>
/// <param name="Expression">The offending expression, when there is one.</param>
/// <param name="Message">The reason, in plain words.</param>
public sealed record RuleError(string File, string? Ruleset, string? Rule, string? Expression, string Message)
{
    public override string ToString()
    {
        var where = string.Join(" ", new[]
        {
            Ruleset is null ? null : $"ruleset '{Ruleset}'",
            Rule is null ? null : $"rule '{Rule}'",
        }.Where(part => part is not null));
        var expression = Expression is null ? "" : $" in expression `{Expression}`";
        return $"{File}: {(where.Length > 0 ? where + ": " : "")}{Message}{expression}";
    }
}
