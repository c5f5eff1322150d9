using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Linq.Expressions;
using System.Reflection;
using System.Runtime.CompilerServices;
using CreditDecision.Core.Vocabulary;

namespace CreditDecision.Core.Rules;

/// <summary>
/// The allow-list every rule expression must pass before it can go live. RulesEngine's own parser lets reflection
/// through (<c>"".GetType().Assembly</c>) and lets rules read static members such as <c>DateTime.Now</c>, so each
/// expression is parsed to its expression tree and every node is checked: only the rule inputs' properties,
/// operators, decimal/int/text/yes-no literals and a short list of pure helpers are allowed. A call whose literal
/// argument would make it throw on every evaluation is refused too. Nothing is executed here.
/// </summary>
public static class ExpressionSandbox
{
    private static readonly ImmutableHashSet<Type> FactTypes =
    [
        typeof(ApplicantFacts), typeof(LoanFacts), typeof(RatingFacts), typeof(ApprovalFacts), typeof(LimitFacts), typeof(ReviewFacts), typeof(ConcentrationFacts), typeof(GuaranteeFacts), typeof(GradingFacts),
    ];

    private static readonly ImmutableHashSet<Type> ValueTypes =
    [
        typeof(bool), typeof(int), typeof(long), typeof(decimal), typeof(string),
        typeof(bool?), typeof(int?), typeof(long?), typeof(decimal?),
        typeof(string[]), typeof(decimal[]), typeof(int[]),
    ];

    private static readonly FrozenSet<MethodInfo> AllowedMethods = BuildAllowedMethods().ToFrozenSet();

    /// <summary>Names of the helpers rules may call, for error messages and documentation.</summary>
    public static readonly string AllowedHelpers =
        "Math.Min, Math.Max, Math.Abs, Math.Round, Math.Floor, Math.Ceiling, Finance.AnnualPayment, Finance.MaxPrincipal, " +
        "text StartsWith/EndsWith/Contains/Length, and the 'in' operator";

    /// <summary>Returns null when the expression tree is allowed, else the reason it is not.</summary>
    public static string? FindViolation(Expression tree)
    {
        var walker = new Walker();
        walker.Visit(tree);
        return walker.Violation;
    }

    private static HashSet<MethodInfo> BuildAllowedMethods()
    {
        var methods = new HashSet<MethodInfo>();
        foreach (var name in new[] { "Min", "Max" })
        {
            methods.Add(typeof(Math).GetMethod(name, [typeof(decimal), typeof(decimal)])!);
            methods.Add(typeof(Math).GetMethod(name, [typeof(int), typeof(int)])!);
        }
        methods.Add(typeof(Math).GetMethod(nameof(Math.Abs), [typeof(decimal)])!);
        methods.Add(typeof(Math).GetMethod(nameof(Math.Abs), [typeof(int)])!);
        methods.Add(typeof(Math).GetMethod(nameof(Math.Round), [typeof(decimal)])!);
        methods.Add(typeof(Math).GetMethod(nameof(Math.Round), [typeof(decimal), typeof(int)])!);
        methods.Add(typeof(Math).GetMethod(nameof(Math.Floor), [typeof(decimal)])!);
        methods.Add(typeof(Math).GetMethod(nameof(Math.Ceiling), [typeof(decimal)])!);
        methods.Add(typeof(string).GetMethod(nameof(string.StartsWith), [typeof(string)])!);
        methods.Add(typeof(string).GetMethod(nameof(string.EndsWith), [typeof(string)])!);
        methods.Add(typeof(string).GetMethod(nameof(string.Contains), [typeof(string)])!);
        foreach (var method in typeof(Finance).GetMethods(BindingFlags.Public | BindingFlags.Static)) methods.Add(method);
        return methods;
    }

    private static bool IsAllowedCall(MethodInfo method)
    {
        if (AllowedMethods.Contains(method)) return true;
        // `x in ("a", "b")` compiles to Enumerable.Contains over a literal array.
        return method.IsGenericMethod
            && method.DeclaringType == typeof(Enumerable)
            && method.Name == nameof(Enumerable.Contains)
            && method.GetParameters().Length == 2
            && ValueTypes.Contains(method.GetGenericArguments()[0]);
    }

    private static bool IsOperatorMethod(MethodInfo? method) =>
        method is null
        || (method.IsSpecialName && method.Name.StartsWith("op_", StringComparison.Ordinal)
            && (method.DeclaringType == typeof(decimal) || method.DeclaringType == typeof(string)))
        || AllowedMethods.Contains(method);

    private static string Describe(MethodInfo method) => $"{method.DeclaringType?.Name}.{method.Name}";

    private static readonly MethodInfo RoundToDecimals = typeof(Math).GetMethod(nameof(Math.Round), [typeof(decimal), typeof(int)])!;

    /// <summary>Why a call of an allowed helper would throw whatever the inputs, judged from its literal arguments; null when it would not.</summary>
    private static string? FindLiteralFault(MethodCallExpression call)
    {
        if (call.Object is { } target && IsNullLiteral(target)) return $"'{Describe(call.Method)}' is called on null";
        var parameters = call.Method.GetParameters();
        for (var i = 0; i < parameters.Length; i++)
        {
            if (!parameters[i].ParameterType.IsValueType && IsNullLiteral(call.Arguments[i]))
            {
                return $"'{Describe(call.Method)}' is given null as its {parameters[i].Name}; it would fail on every evaluation";
            }
        }
        if (call.Method == RoundToDecimals && Unwrapped(call.Arguments[1]) is ConstantExpression { Value: int decimals } && decimals is < 0 or > 28)
        {
            return $"Math.Round can round to 0 to 28 decimals, not {decimals}";
        }
        return null;
    }

    private static bool IsNullLiteral(Expression expression) => Unwrapped(expression) is ConstantExpression { Value: null };

    private static Expression Unwrapped(Expression expression) =>
        expression is UnaryExpression { NodeType: ExpressionType.Convert } convert ? Unwrapped(convert.Operand) : expression;

    /// <summary>Why a call or operator method is refused; joining text gets its own reason.</summary>
    private static string Refusal(MethodInfo method, string otherwise) =>
        method.DeclaringType == typeof(string) && method.Name == nameof(string.Concat)
            ? "joining text is not allowed in rules: each join builds new text on every evaluation; compare text with ==, in, StartsWith, EndsWith or Contains"
            : otherwise;

    private sealed class Walker : ExpressionVisitor
    {
        public string? Violation { get; private set; }

        public override Expression? Visit(Expression? node)
        {
            if (node is null || Violation is not null) return node;
            // The nesting limit keeps trees shallow; this only makes sure a deep one is refused rather than overflowing the stack.
            if (!RuntimeHelpers.TryEnsureSufficientExecutionStack()) return Fail(node, "it nests too deeply");
            if (node.Type == typeof(double) || node.Type == typeof(float))
            {
                return Fail(node, "it computes with binary floating point (double); write decimal numbers with an m suffix, e.g. 0.25m, and use decimal helpers");
            }
            return node.NodeType switch
            {
                ExpressionType.Constant or ExpressionType.Parameter or ExpressionType.MemberAccess or ExpressionType.Call
                    or ExpressionType.Conditional or ExpressionType.NewArrayInit
                    or ExpressionType.Add or ExpressionType.Subtract or ExpressionType.Multiply or ExpressionType.Divide
                    or ExpressionType.Modulo or ExpressionType.Negate or ExpressionType.UnaryPlus or ExpressionType.Not
                    or ExpressionType.AndAlso or ExpressionType.OrElse or ExpressionType.And or ExpressionType.Or
                    or ExpressionType.Equal or ExpressionType.NotEqual or ExpressionType.LessThan
                    or ExpressionType.LessThanOrEqual or ExpressionType.GreaterThan or ExpressionType.GreaterThanOrEqual
                    or ExpressionType.Coalesce or ExpressionType.Convert => base.Visit(node),
                _ => Fail(node, $"'{node.NodeType}' expressions are not allowed in rules"),
            };
        }

        protected override Expression VisitConstant(ConstantExpression node)
        {
            if (node.Value is null || ValueTypes.Contains(node.Type)) return node;
            return Fail(node, $"a value of type {node.Type.Name} is not allowed; use numbers, text or true/false");
        }

        protected override Expression VisitParameter(ParameterExpression node) =>
            FactTypes.Contains(node.Type) ? node : Fail(node, $"'{node.Name}' is not a rule input");

        protected override Expression VisitMember(MemberExpression node)
        {
            var declaring = node.Member.DeclaringType;
            var allowed = node.Expression is not null
                && node.Member is PropertyInfo
                && (FactTypes.Contains(declaring!) || (declaring == typeof(string) && node.Member.Name == nameof(string.Length)));
            return allowed
                ? base.VisitMember(node)
                : Fail(node, $"'{declaring?.Name}.{node.Member.Name}' is not allowed; rules may read only the fields of their inputs (applicant, loan, rating, approval, limit, concentration, guarantees, review, grading)");
        }

        protected override Expression VisitMethodCall(MethodCallExpression node)
        {
            if (!IsAllowedCall(node.Method))
            {
                return Fail(node, Refusal(node.Method, $"calling '{Describe(node.Method)}' is not allowed; rules may call only {AllowedHelpers}"));
            }
            return FindLiteralFault(node) is { } fault ? Fail(node, fault) : base.VisitMethodCall(node);
        }

        protected override Expression VisitBinary(BinaryExpression node) =>
            IsOperatorMethod(node.Method) ? base.VisitBinary(node) : Fail(node, Refusal(node.Method!, $"operator '{Describe(node.Method!)}' is not allowed"));

        protected override Expression VisitUnary(UnaryExpression node)
        {
            if (!IsOperatorMethod(node.Method)) return Fail(node, Refusal(node.Method!, $"operator '{Describe(node.Method!)}' is not allowed"));
            if (node.NodeType == ExpressionType.Convert && !ValueTypes.Contains(node.Type))
            {
                return Fail(node, $"converting to {node.Type.Name} is not allowed");
            }
            return base.VisitUnary(node);
        }

        protected override Expression VisitNewArray(NewArrayExpression node) =>
            node.Expressions.All(e => e is ConstantExpression) ? base.VisitNewArray(node) : Fail(node, "lists may hold only literal values");

        // Returns the node unchanged: the walk stops at the first violation and never rebuilds the tree.
        private Expression Fail(Expression node, string reason)
        {
            Violation ??= reason;
            return node;
        }
    }
}
