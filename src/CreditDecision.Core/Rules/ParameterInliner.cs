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
    public static string Inline(string expression, IReadOnlyDictionary<string, string> literals)
    {
        if (literals.Count == 0) return expression;
        var result = new StringBuilder(expression.Length + 16);
        var i = 0;
        while (i < expression.Length)
        {
            var c = expression[i];
            if (c is '"' or '\'')
            {
                var end = EndOfQuoted(expression, i);
                result.Append(expression, i, end - i);
                i = end;
            }
            else if (char.IsLetter(c) || c == '_')
            {
                var start = i;
                while (i < expression.Length && (char.IsLetterOrDigit(expression[i]) || expression[i] == '_')) i++;
                var name = expression[start..i];
                var isMemberAccess = PreviousNonSpace(expression, start) == '.';
                result.Append(!isMemberAccess && literals.TryGetValue(name, out var literal) ? literal : name);
            }
            else if (char.IsDigit(c))
            {
                // A number like 1e5 or 2m must not have its suffix read as an identifier.
                var start = i;
                while (i < expression.Length && (char.IsLetterOrDigit(expression[i]) || expression[i] == '.')) i++;
                result.Append(expression, start, i - start);
            }
            else
            {
                result.Append(c);
                i++;
            }
        }
        return result.ToString();
    }

    /// <summary>The literal a parameter value becomes, or null with a reason when the value has no literal form.</summary>
    public static string? ToLiteral(JsonElement value, out string? error)
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
                    items.Add(ToLiteral(item, out error)!);
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

    private static int EndOfQuoted(string expression, int start)
    {
        var quote = expression[start];
        var i = start + 1;
        while (i < expression.Length)
        {
            if (expression[i] == '\\') i += 2;
            else if (expression[i++] == quote) return i;
        }
        return expression.Length;
    }

    private static char PreviousNonSpace(string expression, int index)
    {
        for (var i = index - 1; i >= 0; i--)
        {
            if (!char.IsWhiteSpace(expression[i])) return expression[i];
        }
        return '\0';
    }
}
