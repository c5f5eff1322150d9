using System.Globalization;

namespace CreditDecision.Core.Decisions;

/// <summary>
/// A span of decision time, <see cref="From"/> inclusive and <see cref="To"/> exclusive, either end open. The service
/// and the command-line tool read it the same way: an ISO 8601 date or date-time, UTC when no offset is given.
/// </summary>
public readonly record struct Period(DateTimeOffset? From, DateTimeOffset? To)
{
    public const string InstantFormat = "must be an ISO 8601 date or date-time, e.g. 2026-11-23 or 2026-11-23T09:30:00Z";

    /// <summary>Reads both ends; a bad end, or an end not after the start, is added to <paramref name="errors"/> under its name.</summary>
    public static Period Parse(string? from, string? to, IDictionary<string, string[]> errors, string fromName = "from", string toName = "to")
    {
        var start = Instant(from, fromName, errors);
        var end = Instant(to, toName, errors);
        if (start is not null && end is not null && end <= start) errors[toName] = [$"must be after '{fromName}'"];
        return new Period(start, end);
    }

    private static DateTimeOffset? Instant(string? text, string name, IDictionary<string, string[]> errors)
    {
        if (text is null) return null;
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value))
        {
            return value;
        }
        errors[name] = [InstantFormat];
        return null;
    }
}
