namespace CreditDecision.Core.Rules;

/// <summary>
/// How much work a rule file may ask of the service, to compile and to evaluate. Expressions are measured as they
/// are compiled, with their parameters written in. The limits are part of the rule-file format, not settings: a file
/// must mean the same, valid or not, on every node, in the command-line tool and when an old version is replayed.
/// </summary>
public static class RuleLimits
{
    /// <summary>Longest parameter value, in characters of the literal it becomes (text in quotes, a list in brackets).</summary>
    public const int MaxParameterLength = 1_000;

    /// <summary>Longest expression (a condition or an output), in characters, with its parameters written in.</summary>
    public const int MaxExpressionLength = 10_000;

    /// <summary>
    /// Deepest nesting of one expression: every bracket, and every operator met inside it, counts a level (see
    /// <see cref="ExpressionText.Measure"/>). Bounds the parser's recursion and the depth of the compiled tree.
    /// </summary>
    public const int MaxNesting = 64;

    /// <summary>Most nodes in one expression (names, numbers, text literals, operators): bounds the work of parsing and of evaluating it.</summary>
    public const int MaxNodes = 1_000;

    /// <summary>Most rules one compile may cover: a file on its own, or a whole folder (a reload, a backtest request).</summary>
    public const int MaxRulesPerCompile = 1_000;

    /// <summary>Most expression nodes one compile may parse, counted as for <see cref="MaxNodes"/>.</summary>
    public const int MaxNodesPerCompile = 20_000;

    /// <summary>Most characters of expressions, parameters written in, that one compile may parse.</summary>
    public const int MaxExpressionCharactersPerCompile = 100_000;
}

/// <summary>
/// What one compile (a file on its own, or every file of a folder) may still spend, in rules, expression nodes and
/// characters. Once spent, the compile stops at the rule that went beyond it and the file is refused.
/// </summary>
public sealed class CompileBudget
{
    private int _rules = RuleLimits.MaxRulesPerCompile;
    private int _nodes = RuleLimits.MaxNodesPerCompile;
    private int _characters = RuleLimits.MaxExpressionCharactersPerCompile;

    public bool Spent { get; private set; }

    /// <summary>Takes one rule from the budget; false once the budget is spent.</summary>
    public bool TakeRule() => Take(ref _rules, 1);

    /// <summary>Takes an expression (parameters written in) from the budget; false once the budget is spent.</summary>
    public bool TakeExpression(int characters, int nodes) => Take(ref _characters, characters) && Take(ref _nodes, nodes);

    /// <summary>Why a compile stopped when the budget was spent.</summary>
    public static string Refusal =>
        $"the rules go beyond what one compile may cover (a file, or a whole folder: {RuleLimits.MaxRulesPerCompile:N0} rules, " +
        $"{RuleLimits.MaxNodesPerCompile:N0} expression nodes, {RuleLimits.MaxExpressionCharactersPerCompile:N0} characters of expressions " +
        "with their parameters written in); compiling stopped at this rule";

    private bool Take(ref int left, int amount)
    {
        if (Spent) return false;
        left -= amount;
        Spent = left < 0;
        return !Spent;
    }
}
