namespace CreditDecision.Core.Provisioning;

/// <summary>Whole calendar months between two dates, as the observation period and the remaining life count them.</summary>
public static class CalendarMonths
{
    /// <summary>Complete months from <paramref name="from"/> to <paramref name="to"/> (negative when <paramref name="to"/> is earlier).</summary>
    public static int Elapsed(DateOnly from, DateOnly to)
    {
        if (to < from) return -Elapsed(to, from);
        var months = (to.Year - from.Year) * 12 + to.Month - from.Month;
        return from.AddMonths(months) > to ? months - 1 : months;
    }

    /// <summary>Months from <paramref name="from"/> to <paramref name="to"/>, a started month counting whole; at least 1.</summary>
    public static int Remaining(DateOnly from, DateOnly to)
    {
        var months = Elapsed(from, to);
        return Math.Max(1, from.AddMonths(months) < to ? months + 1 : months);
    }
}
