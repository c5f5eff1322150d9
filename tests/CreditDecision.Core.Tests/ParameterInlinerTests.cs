using CreditDecision.Core.Rules;

namespace CreditDecision.Core.Tests;

public class ParameterInlinerTests
{
    private static readonly Dictionary<string, string> Literals = new() { ["limit"] = "5m", ["name"] = "\"x\"" };

    [Theory]
    [InlineData("a.b > limit", "a.b > 5m")]
    [InlineData("a.limit > limit", "a.limit > 5m")]
    [InlineData("a . limit > 1", "a . limit > 1")]
    [InlineData("\"limit\" == name", "\"limit\" == \"x\"")]
    [InlineData("x.y == \"say \\\"limit\\\"\" && limit2 > limit", "x.y == \"say \\\"limit\\\"\" && limit2 > 5m")]
    [InlineData("2m > limit", "2m > 5m")]
    public void Replaces_parameter_names_but_not_members_strings_or_longer_names(string expression, string expected)
    {
        Assert.Equal(expected, ParameterInliner.Inline(expression, Literals));
    }
}
