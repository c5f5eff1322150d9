namespace CreditDecision.Audit.Recording;

/// <summary>Who asked for a record, in which request, and the key that makes a retry safe.</summary>
/// <param name="Caller">The name of the API key or console user.</param>
/// <param name="RequestId">The caller's request id, else the server's.</param>
/// <param name="IdempotencyKey">The client's key; a second request of the same caller with it returns the first decision.</param>
public sealed record CallerContext(string Caller, string RequestId, string? IdempotencyKey = null);
