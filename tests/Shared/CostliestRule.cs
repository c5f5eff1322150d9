using System.Text;

namespace CreditDecision.Testing;

/// <summary>
/// The most expensive rules the rule limits let through. To evaluate: the finance helper whose work grows with the
/// term, called at the longest term an int can hold, as many times as one expression may hold, under a balanced tree
/// of <c>Math.Min</c> (so it stays shallow); text, lists and arithmetic cost far less per node. To compile: additions,
/// which the expression parser handles slowest, as many as the compile budget lets it read.
/// </summary>
public static class CostliestRule
{
    private const string Leaf = "Finance.AnnualPayment(loan.amount, 0.0000000001m, 2147483647)";

    /// <summary>The most calls whose <see cref="ApprovalFile"/> <paramref name="compiles"/>, found by halving (more calls, more cost).</summary>
    public static int MostCallsAccepted(Func<string, bool> compiles, int atMost = 1_000)
    {
        int low = 1, high = atMost;
        while (low < high)
        {
            var middle = (low + high + 1) / 2;
            if (compiles(ApprovalFile(middle))) low = middle;
            else high = middle - 1;
        }
        return low;
    }

    /// <summary>The condition over <paramref name="calls"/> calls of the helper.</summary>
    public static string Expression(int calls) => Minimum(calls) + " > 0m";

    private static string Minimum(int calls) =>
        calls == 1 ? Leaf : new StringBuilder("Math.Min(").Append(Minimum(calls / 2)).Append(", ").Append(Minimum(calls - calls / 2)).Append(')').ToString();

    /// <summary>An approval rule file whose one rule is that condition.</summary>
    public static string ApprovalFile(int calls) => $$"""
        {
          "WorkflowName": "costliest-rule",
          "Stage": "approval",
          "Rules": [
            {
              "RuleName": "Costliest",
              "Description": "As much work as one expression may ask for.",
              "Expression": "{{Expression(calls)}}",
              "Properties": { "Effect": "refer", "ReasonCode": "REF_COSTLIEST", "Message": "Fires for every application." }
            }
          ]
        }
        """;

    /// <summary>An approval rule file of additions that the compile budget refuses part-way: the slowest compile it allows.</summary>
    public static byte[] BudgetFillingFile()
    {
        var expression = Balanced(499, "1m", " + ") + " > 0m";
        var rules = Enumerable.Range(1, 25).Select(i =>
            $$"""{ "RuleName": "Sum{{i}}", "Description": "d", "Expression": "{{expression}}", "Properties": { "Effect": "refer", "ReasonCode": "REF_SUM", "Message": "m" } }""");
        return Encoding.UTF8.GetBytes($$"""{ "WorkflowName": "additions", "Stage": "approval", "Rules": [{{string.Join(",", rules)}}] }""");
    }

    private static string Balanced(int leaves, string leaf, string operation) =>
        leaves == 1 ? leaf : $"({Balanced(leaves / 2, leaf, operation)}{operation}{Balanced(leaves - leaves / 2, leaf, operation)})";
}
