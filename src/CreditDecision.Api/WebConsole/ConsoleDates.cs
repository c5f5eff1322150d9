namespace CreditDecision.Api.WebConsole;

/// <summary>The console's period fields are dates; the log's periods are instants.</summary>
public static class ConsoleDates
{
    /// <summary>Midnight UTC at the start of the date, or null for no bound.</summary>
    public static DateTimeOffset? StartOf(DateOnly? date) => date is { } d ? new DateTimeOffset(d, TimeOnly.MinValue, TimeSpan.Zero) : null;
}
