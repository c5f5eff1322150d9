namespace CreditDecision.Api.Infrastructure;

/// <summary>
/// Endpoint metadata for the OpenAPI document: the operation also streams <c>application/x-ndjson</c>, one JSON
/// object per line, each of <see cref="RequestLine"/> (the body) or <see cref="ResponseLine"/> (the 200 response);
/// a JSON-array body of request lines holds at most <see cref="MaxArrayItems"/>.
/// </summary>
public sealed record NdjsonContent(Type? RequestLine, Type? ResponseLine, int? MaxArrayItems = null)
{
    public const string MediaType = "application/x-ndjson";
}

/// <summary>Endpoint metadata for the OpenAPI document: with <c>?format=html</c> the 200 response is an HTML page.</summary>
public sealed record HtmlAlternative;

/// <summary>Endpoint metadata for the OpenAPI document: an example of the operation's application/json body.</summary>
public sealed record RequestExample(string Json);
