namespace CreditDecision.Core.Rules;

/// <summary>What a piece of expression text is, as far as the checks made before parsing need to know.</summary>
internal enum TokenKind
{
    /// <summary>A quoted text literal, quotes included.</summary>
    Quoted,

    /// <summary>A name: an input, a member, a parameter, a keyword.</summary>
    Identifier,

    /// <summary>A number with its suffix, e.g. <c>12</c>, <c>0.25m</c>.</summary>
    Number,

    /// <summary>An operator, e.g. <c>+</c>, <c>&lt;=</c>, <c>&amp;&amp;</c>, <c>?</c>.</summary>
    Operator,

    /// <summary>An opening bracket: <c>(</c>, <c>[</c> or <c>{</c>.</summary>
    Open,

    /// <summary>A closing bracket.</summary>
    Close,

    /// <summary>Anything else: white space, <c>.</c>, <c>,</c>, <c>:</c>.</summary>
    Other,
}

/// <summary>An expression's size in nodes and its nesting, as <see cref="ExpressionText.Measure"/> counts them.</summary>
internal readonly record struct ExpressionSize(int Nodes, int Nesting);

/// <summary>One piece of an expression's text.</summary>
internal readonly record struct Token(TokenKind Kind, int Start, int Length);

/// <summary>
/// Splits expression text into tokens without parsing it: quoted text, names, numbers, operators and brackets.
/// Small on purpose; the parser still reads the text, and these tokens only serve the checks that must come before it.
/// </summary>
internal static class ExpressionText
{
    private static readonly string[] TwoCharacterOperators = ["<=", ">=", "==", "!=", "<>", "&&", "||", "??", "=>", "<<", ">>"];

    public static IEnumerable<Token> Tokens(string expression)
    {
        var i = 0;
        while (i < expression.Length)
        {
            var start = i;
            var c = expression[i];
            TokenKind kind;
            if (c is '"' or '\'')
            {
                i = EndOfQuoted(expression, i);
                kind = TokenKind.Quoted;
            }
            else if (char.IsLetter(c) || c == '_')
            {
                while (i < expression.Length && (char.IsLetterOrDigit(expression[i]) || expression[i] == '_')) i++;
                kind = TokenKind.Identifier;
            }
            else if (char.IsDigit(c))
            {
                // A number like 1e5 or 2m must not have its suffix read as a name.
                while (i < expression.Length && (char.IsLetterOrDigit(expression[i]) || expression[i] == '.')) i++;
                kind = TokenKind.Number;
            }
            else if (c is '(' or '[' or '{' or ')' or ']' or '}')
            {
                i++;
                kind = c is '(' or '[' or '{' ? TokenKind.Open : TokenKind.Close;
            }
            else if ("+-*/%!<>=&|^~?".Contains(c, StringComparison.Ordinal))
            {
                var pair = i + 1 < expression.Length ? expression.Substring(i, 2) : "";
                i += TwoCharacterOperators.Contains(pair, StringComparer.Ordinal) ? 2 : 1;
                kind = TokenKind.Operator;
            }
            else
            {
                i++;
                kind = TokenKind.Other;
            }
            yield return new Token(kind, start, i - start);
        }
    }

    /// <summary>
    /// How large and how deeply nested an expression is, counted from its text so that it is known before the parser
    /// (which recurses once per level, slows with depth and costs the same per node whatever follows) reads it.
    /// <list type="bullet">
    /// <item><c>Nodes</c>: the names, numbers, text literals and operators it holds; each becomes a node of the
    /// expression tree (the parser adds a conversion here and there, and a call takes two names for one node).</item>
    /// <item><c>Nesting</c>: every enclosing bracket counts one level, and so does every operator met so far inside
    /// each enclosing bracket, because a chain such as <c>a + b + c</c> parses into a tree as deep as it is long. An
    /// upper bound of the tree's depth, close to it for real rules.</item>
    /// </list>
    /// </summary>
    public static ExpressionSize Measure(string expression)
    {
        var outer = new Stack<int>();
        int nodes = 0, enclosing = 0, current = 0, deepest = 0;
        foreach (var token in Tokens(expression))
        {
            switch (token.Kind)
            {
                case TokenKind.Open:
                    outer.Push(current);
                    enclosing += current + 1;
                    current = 0;
                    break;
                case TokenKind.Close when outer.Count > 0:
                    current = outer.Pop();
                    enclosing -= current + 1;
                    break;
                case TokenKind.Operator:
                case TokenKind.Identifier when IsWordOperator(expression.AsSpan(token.Start, token.Length)):
                    nodes++;
                    current++;
                    break;
                case TokenKind.Identifier or TokenKind.Number or TokenKind.Quoted:
                    nodes++;
                    continue;
                default:
                    continue;
            }
            deepest = Math.Max(deepest, enclosing + current);
        }
        return new ExpressionSize(nodes, deepest);
    }

    private static bool IsWordOperator(ReadOnlySpan<char> word) =>
        word.Equals("and", StringComparison.OrdinalIgnoreCase) || word.Equals("or", StringComparison.OrdinalIgnoreCase)
        || word.Equals("not", StringComparison.OrdinalIgnoreCase) || word.Equals("in", StringComparison.OrdinalIgnoreCase);

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
}
