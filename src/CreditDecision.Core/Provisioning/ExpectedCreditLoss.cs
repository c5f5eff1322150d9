namespace CreditDecision.Core.Provisioning;

/// <summary>The PDs and expected credit loss of one loan.</summary>
/// <param name="Pd12m">PD within the next twelve months, or the remaining life when shorter.</param>
/// <param name="PdLifetime">PD over the remaining life.</param>
public sealed record CreditLoss(decimal Pd12m, decimal PdLifetime, decimal Ecl);

/// <summary>
/// Expected credit loss as the sum, over the years of the remaining life, of the marginal PD of the year times LGD
/// times EAD, discounted from the year's end at the loan's effective rate (IFRS 9 5.5; CAS 22 Art. 47: credit losses
/// are discounted at the original effective interest rate). Stage 1 counts the first year only (12-month ECL), stages 2
/// and 3 every year (lifetime ECL). A defaulted loan has defaulted: PD 1 and ECL = LGD × EAD, the loss measured now.
/// </summary>
/// <remarks>
/// Year t has forward PD f(t): the master scale's PD in the first year, the term structure's for the later ones, times
/// the stress multiplier, at most 1. A last, shorter year of m months takes f(t) × m / 12. Marginal PD of year t =
/// S(t-1) × f(t) with survival S(t) = S(t-1) − marginal; lifetime PD = 1 − S(last). The discount factor of a year ending
/// k months from now is (1 + rate / 12)^-k, the monthly compounding of the rate's annuity. The EAD is held flat over the
/// life (no amortisation is assumed), which overstates the loss of an amortising loan rather than understating it.
/// </remarks>
public static class ExpectedCreditLoss
{
    private const int Decimals = 6;

    public static CreditLoss Measure(
        decimal oneYearPd, IReadOnlyList<decimal> laterForwardPds, int remainingMonths, bool lifetime, bool inDefault,
        decimal lgd, decimal ead, decimal annualRate, decimal pdMultiplier = 1m)
    {
        if (inDefault) return new CreditLoss(1m, 1m, Money(lgd * ead));

        var monthlyGrowth = 1m + annualRate / 12m;
        decimal survival = 1m, firstYear = 0m, ecl = 0m, discount = 1m;
        var years = (remainingMonths + 11) / 12;
        for (var year = 1; year <= years; year++)
        {
            var months = Math.Min(12, remainingMonths - 12 * (year - 1));
            var forward = Math.Min(1m, (year == 1 ? oneYearPd : laterForwardPds[Math.Min(year - 2, laterForwardPds.Count - 1)]) * pdMultiplier);
            var marginal = survival * forward * months / 12m;
            survival -= marginal;
            for (var m = 0; m < months; m++) discount /= monthlyGrowth;
            if (year == 1) firstYear = marginal;
            if (year == 1 || lifetime) ecl += marginal * lgd * ead * discount;
        }
        return new CreditLoss(Round(firstYear), Round(1m - survival), Money(ecl));
    }

    private static decimal Round(decimal pd) => decimal.Round(pd, Decimals, MidpointRounding.ToEven);

    private static decimal Money(decimal amount) => decimal.Round(amount, 2, MidpointRounding.ToEven);
}
