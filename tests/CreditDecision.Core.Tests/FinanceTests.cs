using CreditDecision.Core.Vocabulary;

namespace CreditDecision.Core.Tests;

public class FinanceTests
{
    [Fact]
    public void Annual_payment_of_a_known_annuity()
    {
        // 1,000,000 over 36 months at 6 %: monthly payment 30,421.94; twelve of them 365,063.25 before rounding the monthly amount.
        var annual = Finance.AnnualPayment(1_000_000m, 0.06m, 36);
        Assert.Equal(365_063.25m, decimal.Round(annual, 2));
    }

    [Theory]
    [InlineData(250_000, 0.06, 36)]
    [InlineData(1_200_000, 0.045, 60)]
    [InlineData(80_000, 0, 24)]
    public void Max_principal_inverts_annual_payment(decimal payment, decimal rate, int months)
    {
        var principal = Finance.MaxPrincipal(payment, rate, months);
        Assert.True(Finance.AnnualPayment(principal, rate, months) <= payment);
        Assert.True(Finance.AnnualPayment(principal + 1m, rate, months) > payment);
    }

    [Fact]
    public void No_capacity_means_no_principal()
    {
        Assert.Equal(0m, Finance.MaxPrincipal(-1000m, 0.06m, 36));
    }

    [Fact]
    public void A_huge_term_costs_no_more_than_a_short_one()
    {
        // Rules may call the helpers with any int; the cost must not grow with the term (no loop per month).
        var payment = Finance.AnnualPayment(1m, 0.0000000000000000000000001m, int.MaxValue);
        Assert.True(payment >= 0m);
    }
}
