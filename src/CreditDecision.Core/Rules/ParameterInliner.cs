using System.Globalization;
using System.Text;
using System.Text.Json;

namespace CreditDecision.Core.Rules;

/// <summary>
/// Replaces the names of a ruleset's <c>Parameters</c> in an expression with their values as literals, so rules
/// read <c>applicant.yearsInBusiness &lt; minYearsInBusiness</c> yet compile to constants: no per-evaluation cost.
/// Numbers become decimal literals, text a string literal, lists a <c>("a", "b")</c> tuple for the <c>in</c> operator.
/// </summary>
public static class ParameterInliner
{
    public static string Inline(string expression, IReadOnlyDictionary<string, string> literals) =>
        InlineWithin(expression, literals, int.MaxValue)!;

    /// <summary>
    /// The expression with its parameters written in, or null as soon as that grows longer than
    /// <paramref name="maxLength"/>: a long value used many times must not cost memory before it is refused.
    /// </summary>
    public static string? InlineWithin(string expression, IReadOnlyDictionary<string, string> literals, int maxLength)
    {
        if (literals.Count == 0) return expression.Length <= maxLength ? expression : null;
        var result = new StringBuilder(Math.Min(expression.Length + 16, maxLength));
        foreach (var token in ExpressionText.Tokens(expression))
        {
            var literal = token.Kind == TokenKind.Identifier && PreviousNonSpace(expression, token.Start) != '.'
                && literals.TryGetValue(expression.Substring(token.Start, token.Length), out var value)
                    ? value
                    : null;
            if (literal is null) result.Append(expression, token.Start, token.Length);
            else result.Append(literal);
            if (result.Length > maxLength) return null;
        }
        return result.ToString();
    }

    /// <summary>
    /// The literal a parameter value becomes, or null with a reason when the value has no literal form or its literal
    /// is longer than <see cref="RuleLimits.MaxParameterLength"/>.
    /// </summary>
    public static string? ToLiteral(JsonElement value, out string? error)
    {
        var literal = LiteralOf(value, out error);
        if (literal is null || literal.Length <= RuleLimits.MaxParameterLength) return literal;
        error = $"the value is {literal.Length} characters long written out; a parameter may be at most {RuleLimits.MaxParameterLength}";
        return null;
    }

    private static string? LiteralOf(JsonElement value, out string? error)
    {
        error = null;
        switch (value.ValueKind)
        {
            case JsonValueKind.Number when value.TryGetDecimal(out var number):
                return number.ToString(CultureInfo.InvariantCulture) + "m";
            case JsonValueKind.String:
                return StringLiteral(value.GetString()!);
            case JsonValueKind.True:
                return "true";
            case JsonValueKind.False:
                return "false";
            case JsonValueKind.Array:
                var items = new List<string>();
                foreach (var item in value.EnumerateArray())
                {
                    if (item.ValueKind is not (JsonValueKind.String or JsonValueKind.Number))
                    {
                        error = "a list parameter may hold only text or numbers";
                        return null;
                    }
                    items.Add(LiteralOf(item, out error)!);
                }
                if (items.Count == 0)
                {
                    error = "a list parameter must not be empty";
                    return null;
                }
                return "(" + string.Join(", ", items) + ")";
            default:
                error = "a parameter must be a number, text, true/false or a list of text or numbers";
                return null;
        }
    }

    private static string StringLiteral(string text) =>
        "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    private static char PreviousNonSpace(string expression, int index)
    {
        for (var i = index - 1; i >= 0; i--)
        {
            if (!char.IsWhiteSpace(expression[i])) return expression[i];
        }
        return '\0';
    }
}
