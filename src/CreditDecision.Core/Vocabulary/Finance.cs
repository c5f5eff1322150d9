namespace CreditDecision.Core.Vocabulary;

/// <summary>
/// Pure financial helpers that rule expressions may call as <c>Finance.*</c>. Computed in decimal so results are
/// exact and identical on every machine.
/// </summary>
public static class Finance
{
    /// <summary>Level annual payment (principal and interest) that repays <paramref name="principal"/> over the term at the annual rate.</summary>
    public static decimal AnnualPayment(decimal principal, decimal annualRate, int termMonths) =>
        principal * AnnuityFactor(annualRate, termMonths);

    /// <summary>Largest principal whose level annual payment at the annual rate over the term does not exceed <paramref name="annualPayment"/>.</summary>
    public static decimal MaxPrincipal(decimal annualPayment, decimal annualRate, int termMonths) =>
        annualPayment <= 0m ? 0m : decimal.Round(annualPayment / AnnuityFactor(annualRate, termMonths), 2, MidpointRounding.ToZero);

    /// <summary>Annual payment per unit of principal: twelve monthly annuity payments, or straight-line repayment at a zero rate.</summary>
    private static decimal AnnuityFactor(decimal annualRate, int termMonths)
    {
        var months = Math.Max(termMonths, 1);
        if (annualRate <= 0m) return 12m / months;
        var monthlyRate = annualRate / 12m;
        var growth = Power(1m + monthlyRate, months);
        return 12m * monthlyRate * growth / (growth - 1m);
    }

    /// <summary>x to the power n by repeated squaring: about 2 log2(n) multiplications, so any term costs microseconds.</summary>
    private static decimal Power(decimal x, int n)
    {
        var result = 1m;
        while (n > 0)
        {
            if ((n & 1) == 1) result *= x;
            n >>= 1;
            if (n > 0) x *= x;
        }
        return result;
    }
}
