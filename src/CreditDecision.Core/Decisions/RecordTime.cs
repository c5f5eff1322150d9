namespace CreditDecision.Core.Decisions;

/// <summary>
/// The time a decision, review or promotion is stamped with: cut to the millisecond, the precision every log store
/// keeps exactly, so that what the caller receives, what the log holds and what its hash covers are the same instant.
/// </summary>
public static class RecordTime
{
    public static DateTimeOffset Now(TimeProvider clock) => DateTimeOffset.FromUnixTimeMilliseconds(clock.GetUtcNow().ToUnixTimeMilliseconds());
}
