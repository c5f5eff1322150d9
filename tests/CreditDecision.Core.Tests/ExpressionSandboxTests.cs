namespace CreditDecision.Core.Tests;

/// <summary>What the allow-list refuses and what it lets through; the hostile catalogue is in <see cref="HostileExpressionTests"/>.</summary>
public class ExpressionSandboxTests
{
    [Theory]
    [InlineData("\"\".GetType().Assembly.FullName != null", "Assembly.FullName")]
    [InlineData("applicant.industry.GetType() != null", "GetType")]
    [InlineData("DateTime.Now.Year > 2000", "DateTime.Year")]
    [InlineData("DateTime.UtcNow > DateTime.MinValue", "DateTime")]
    [InlineData("Guid.NewGuid() != Guid.Empty", "Guid")]
    [InlineData("Math.Sqrt(4) > 1", "double")]
    [InlineData("applicant.industry.ToUpper() == \"MINING\"", "ToUpper")]
    [InlineData("new[] { 1, 2 }.Length > 1", "Length")]
    public void Refuses_expression_with_a_reason(string expression, string mentioned)
    {
        var error = RuleFiles.SingleError(RuleFiles.Approval(expression));
        Assert.Equal("Probe", error.Rule);
        Assert.Equal(expression, error.Expression);
        Assert.Contains("sandbox", error.Message);
        Assert.Contains(mentioned, error.Message);
    }

    [Theory]
    [InlineData("applicant.taxArrears > 0 && applicant.industry in (\"mining\", \"construction\")")]
    [InlineData("Math.Max(applicant.leverage, 0.5m) > 0.9m || applicant.region.StartsWith(\"jiangsu\")")]
    [InlineData("Finance.MaxPrincipal(applicant.ebitda, 0.06m, loan.termMonths) < loan.amount")]
    [InlineData("rating.gradeRank >= 7 ? loan.amount > 100000 : loan.amount > 5000000")]
    public void Accepts_plain_rules_over_the_inputs(string expression)
    {
        var result = RuleFiles.Compile(RuleFiles.Approval(expression));
        Assert.Empty(result.Errors);
        Assert.NotNull(result.Ruleset);
    }

    [Fact]
    public void Refuses_reading_a_later_stage_result()
    {
        var error = RuleFiles.SingleError(RuleFiles.Approval("limit.approvedAmount > 0"));
        Assert.Contains("does not compile", error.Message);
        Assert.Contains("applicant, loan, rating", error.Message);
    }

    [Fact]
    public void Refuses_comparing_a_decimal_with_a_double_literal()
    {
        var error = RuleFiles.SingleError(RuleFiles.Approval("applicant.annualRevenue > 1e6"));
        Assert.Contains("does not compile", error.Message);
    }
}
