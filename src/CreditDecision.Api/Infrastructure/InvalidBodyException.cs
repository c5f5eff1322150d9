namespace CreditDecision.Api.Infrastructure;

/// <summary>A request body that could not be read as the endpoint expects; a 400 naming the field <c>body</c>.</summary>
public sealed class InvalidBodyException(string reason, Exception? inner = null) : Exception(reason, inner);
