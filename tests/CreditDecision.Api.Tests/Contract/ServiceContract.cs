using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Json.Schema;

namespace CreditDecision.Api.Tests;

/// <summary>
/// The committed OpenAPI document (<see cref="RepoPaths.OpenApiDocument"/>) as a checker of real responses: the
/// operation a request reached, whether the document lists the status and media type it got, and whether the body
/// is valid against the schema the document gives for it (JSON Schema 2020-12, as OpenAPI 3.1 uses).
/// </summary>
public sealed partial class ServiceContract
{
    private static readonly Uri DocumentUri = new("https://creditdecision.invalid/openapi/v1.json");

    public static ServiceContract Committed { get; } = new(File.ReadAllText(RepoPaths.OpenApiDocument));

    /// <summary>Paths served outside the document: the console, Swagger UI, the document itself, the load baseline.</summary>
    private static readonly string[] Undocumented = ["/console", "/swagger", "/openapi/", "/load-baseline"];

    private readonly BuildOptions _build;
    private readonly JsonElement _resolved;
    private readonly EvaluationOptions _evaluation = new() { OutputFormat = OutputFormat.List, RequireFormatValidation = true };
    private readonly List<Route> _routes;
    private readonly Dictionary<string, JsonSchema> _schemas = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public ServiceContract(string document)
    {
        Document = JsonDocument.Parse(document).RootElement.Clone();
        // The components become the $defs of one schema, and every reference points there absolutely.
        _resolved = JsonDocument.Parse(document.Replace("\"#/components/schemas/", $"\"{DocumentUri}#/$defs/", StringComparison.Ordinal)).RootElement.Clone();
        _build = new BuildOptions { SchemaRegistry = new SchemaRegistry(), Dialect = Dialect.Draft202012 };
        var definitions = new Dictionary<string, object>
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["$id"] = DocumentUri.ToString(),
            ["$defs"] = _resolved.GetProperty("components").GetProperty("schemas"),
        };
        JsonSchema.Build(JsonSerializer.SerializeToElement(definitions), _build);
        _routes = [.. Document.GetProperty("paths").EnumerateObject()
            .Select(path => new Route(path.Name, new Regex("^" + Parameter().Replace(Regex.Escape(path.Name).Replace(@"\{", "{"), "[^/]+") + "$"), path.Value))
            .OrderBy(route => route.Template.Count(c => c == '{'))];
    }

    public JsonElement Document { get; }

    /// <summary>Every operation of the document as (method, path template, operation).</summary>
    public IEnumerable<(string Method, string Path, JsonElement Operation)> Operations =>
        _routes.SelectMany(route => route.Item.EnumerateObject().Select(op => (op.Name.ToUpperInvariant(), route.Template, op.Value)));

    /// <summary>
    /// What the document says of a response: null when it is not the document's business (a path served outside it,
    /// or a 404/405 for a path or method it does not have); otherwise the schema of its body (null for a body the
    /// document does not describe as JSON). Throws when the document does not list the status or media type.
    /// </summary>
    public Expectation? Expect(HttpMethod method, string path, int status, string? mediaType)
    {
        var route = _routes.FirstOrDefault(r => r.Pattern.IsMatch(path));
        if (route is null || !route.Item.TryGetProperty(method.Method.ToLowerInvariant(), out var operation))
        {
            if (Undocumented.Any(prefix => path.StartsWith(prefix, StringComparison.Ordinal)) || status is 404 or 405) return null;
            throw new ContractViolationException($"{method} {path} answered {status}, but the document has no such operation.");
        }
        var where = $"{method} {route.Template} answered {status}";
        if (!operation.GetProperty("responses").TryGetProperty(status.ToString(System.Globalization.CultureInfo.InvariantCulture), out var response))
        {
            throw new ContractViolationException($"{where}, a status the document does not list for it.");
        }
        if (!response.TryGetProperty("content", out var content))
        {
            return mediaType is null ? new Expectation(where, null, Ndjson: false) : throw new ContractViolationException($"{where} with a {mediaType} body the document does not describe.");
        }
        if (mediaType is null || !content.TryGetProperty(mediaType, out var media))
        {
            throw new ContractViolationException(
                $"{where} with media type {mediaType ?? "(none)"}; the document lists {string.Join(", ", content.EnumerateObject().Select(m => m.Name))}.");
        }
        var json = mediaType.EndsWith("json", StringComparison.Ordinal);
        var ndjson = mediaType == "application/x-ndjson";
        if (!json && !ndjson) return new Expectation(where, null, Ndjson: false);
        return new Expectation(where, SchemaAt($"{route.Template} {method} {status} {mediaType}", () => _resolved.GetProperty("paths").GetProperty(route.Template)
            .GetProperty(method.Method.ToLowerInvariant()).GetProperty("responses").GetProperty(status.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .GetProperty("content").GetProperty(mediaType).GetProperty(ndjson ? "x-itemSchema" : "schema")), ndjson);
    }

    /// <summary>The errors of one JSON value against a schema, each with the location in the value; empty when valid.</summary>
    public IReadOnlyList<string> Errors(JsonSchema schema, string json)
    {
        using var value = JsonDocument.Parse(json);
        var results = schema.Evaluate(value.RootElement, _evaluation);
        if (results.IsValid) return [];
        return [.. (results.Details ?? []).Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value} ({d.EvaluationPath})"))
            .Distinct()
            .Take(20)];
    }

    /// <summary>The schema of a component, e.g. <c>DecisionResponse</c>.</summary>
    public JsonSchema Component(string name) =>
        SchemaAt(name, () => JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["$ref"] = $"{DocumentUri}#/$defs/{name}" }));

    private JsonSchema SchemaAt(string key, Func<JsonElement> schema)
    {
        lock (_lock)
        {
            if (!_schemas.TryGetValue(key, out var built))
            {
                built = JsonSchema.Build(schema(), _build, new Uri($"https://creditdecision.invalid/checks/{_schemas.Count}"));
                _schemas[key] = built;
            }
            return built;
        }
    }

    [GeneratedRegex(@"\{[^}/]+\}")]
    private static partial Regex Parameter();

    private sealed record Route(string Template, Regex Pattern, JsonElement Item);
}

/// <summary>The document's word on one response: where it was (for messages) and the schema of its body, if JSON.</summary>
public sealed record Expectation(string Where, JsonSchema? Schema, bool Ndjson);

public sealed class ContractViolationException(string message) : Exception(message);

/// <summary>
/// Checks every response a test client receives against the committed document, so every HTTP test also tests the
/// contract: an undocumented status, media type, member or null fails the test that provoked it. NDJSON is checked
/// line by line as the test reads it (the first <see cref="MaxLinesChecked"/> lines and the last).
/// </summary>
public sealed class ContractCheckingHandler(ServiceContract contract) : DelegatingHandler
{
    public const int MaxLinesChecked = 1_000;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        var expectation = contract.Expect(request.Method, request.RequestUri!.AbsolutePath, (int)response.StatusCode, mediaType);
        if (expectation?.Schema is not { } schema) return response;
        if (expectation.Ndjson)
        {
            var lines = new NdjsonCheckingStream(await response.Content.ReadAsStreamAsync(cancellationToken), line => Check(expectation, schema, line));
            var streamed = new StreamContent(lines);
            foreach (var header in response.Content.Headers) streamed.Headers.TryAddWithoutValidation(header.Key, header.Value);
            response.Content = streamed;
            return response;
        }
        await response.Content.LoadIntoBufferAsync(cancellationToken);
        Check(expectation, schema, await response.Content.ReadAsStringAsync(cancellationToken));
        return response;
    }

    private void Check(Expectation expectation, JsonSchema schema, string json)
    {
        IReadOnlyList<string> errors;
        try
        {
            errors = contract.Errors(schema, json);
        }
        catch (JsonException ex)
        {
            throw new ContractViolationException($"{expectation.Where} with a body that is not JSON ({ex.Message}): {Shorten(json)}");
        }
        if (errors.Count > 0)
        {
            throw new ContractViolationException($"{expectation.Where} with a body the document's schema refuses:\n  {string.Join("\n  ", errors)}\nbody: {Shorten(json)}");
        }
    }

    private static string Shorten(string text) => text.Length <= 2_000 ? text : text[..2_000] + "…";

    /// <summary>Passes bytes through to the reader, checking each complete line as it goes by.</summary>
    private sealed class NdjsonCheckingStream(Stream inner, Action<string> check) : Stream
    {
        private readonly MemoryStream _line = new();
        private long _lines;
        private string? _lastUnchecked;

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await inner.ReadAsync(buffer, cancellationToken);
            Observe(buffer.Span[..read], ended: read == 0);
            return read;
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var read = inner.Read(buffer, offset, count);
            Observe(buffer.AsSpan(offset, read), ended: read == 0);
            return read;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        private void Observe(ReadOnlySpan<byte> bytes, bool ended)
        {
            foreach (var b in bytes)
            {
                if (b != (byte)'\n')
                {
                    _line.WriteByte(b);
                    continue;
                }
                Line(Encoding.UTF8.GetString(_line.GetBuffer(), 0, (int)_line.Length));
                _line.SetLength(0);
            }
            if (!ended) return;
            if (_line.Length > 0) Line(Encoding.UTF8.GetString(_line.GetBuffer(), 0, (int)_line.Length));
            _line.SetLength(0);
            if (_lastUnchecked is { } last) check(last);
            _lastUnchecked = null;
        }

        private void Line(string line)
        {
            if (line.Length == 0) return;
            if (++_lines <= MaxLinesChecked) check(line);
            else _lastUnchecked = line;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
