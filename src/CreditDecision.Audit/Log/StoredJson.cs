using System.Buffers;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using CreditDecision.Core.Contracts;

namespace CreditDecision.Audit.Log;

/// <summary>
/// How an engine decision's request and response are kept in the store. The bytes of each durable commit are what
/// bounds <c>POST /decide</c> (docs/benchmarks.md section 2), so a decision is kept small: its request and its response
/// without the trace deflated, its trace in compact form (<see cref="TraceTemplate"/>) and its ruleset versions only
/// once, with its snapshot. The stored form is made on the request's own thread, before the record is queued, so the
/// log's single writer only inserts it. The record's hash covers the full texts, not the stored bytes: reading a
/// record rebuilds them exactly, and the chain and replay are the same either way (ADR 0019, ADR 0020).
/// </summary>
public static class StoredJson
{
    private const string EmptyTraceEnd = "[]}";
    private const int KeptBufferBytes = 64 * 1024;

    [ThreadStatic] private static ArrayBufferWriter<byte>? t_buffer;

    /// <summary>
    /// The response in the contract's JSON, and the same without its trace (<c>"trace":[]</c>, in UTF-8): what the log
    /// keeps and rebuilds from. Serialized in two parts, once each, the trace from its snapshot's template, into a
    /// buffer the thread reuses.
    /// </summary>
    public static (string Full, byte[] Traceless) Serialize(DecisionResponse response, TraceTemplate template)
    {
        var traceless = JsonSerializer.SerializeToUtf8Bytes(response with { Trace = [] }, ContractJson.Options);
        if (!traceless.AsSpan().EndsWith("\"trace\":[]}"u8)) throw new JsonException("A response without its trace does not end with an empty trace.");
        var buffer = ThreadBuffer();
        buffer.Write(traceless.AsSpan(0, traceless.Length - EmptyTraceEnd.Length));
        template.WriteUtf8(buffer, response.Trace);
        buffer.Write("}"u8);
        return (Encoding.UTF8.GetString(buffer.WrittenSpan), traceless);
    }

    /// <summary>
    /// An empty buffer of this thread's, for JSON written and read back before the thread does anything else: a
    /// response's text is made in it instead of in new arrays on every decision.
    /// </summary>
    internal static ArrayBufferWriter<byte> ThreadBuffer()
    {
        var buffer = t_buffer;
        if (buffer is null || buffer.Capacity > KeptBufferBytes) t_buffer = buffer = new ArrayBufferWriter<byte>(16 * 1024);
        buffer.ResetWrittenCount();
        return buffer;
    }

    /// <summary>A response without its trace, with the trace's JSON put back: the trace is the response's last member.</summary>
    public static string WithTrace(string traceless, string traceJson)
    {
        if (!traceless.EndsWith("\"trace\":" + EmptyTraceEnd, StringComparison.Ordinal))
        {
            throw new JsonException("A stored response without its trace does not end with an empty trace.");
        }
        return string.Concat(traceless.AsSpan(0, traceless.Length - EmptyTraceEnd.Length), traceJson, "}");
    }

    /// <summary>The response with its trace rebuilt from the compact form and the template of the decision's snapshot.</summary>
    public static string WithTrace(string traceless, string compactTrace, TraceTemplate template) =>
        WithTrace(traceless, template.WriteJson(template.Decode(compactTrace)));

    /// <summary>An engine decision's record with its stored form: compact when its trace fits its snapshot's template, else whole.</summary>
    public static LogRecord Decision(LogRecord record, DecisionResponse response, byte[] traceless, TraceTemplate template)
    {
        var compact = template.Encode(response.Trace);
        return record with
        {
            StoredRequest = Deflate(record.RequestJson),
            StoredResponse = compact is null ? Deflate(record.ResponseJson) : Deflate(traceless),
            StoredTrace = compact,
        };
    }

    public static byte[] Deflate(string json) => Deflate(Encoding.UTF8.GetBytes(json));

    public static byte[] Deflate(ReadOnlySpan<byte> utf8)
    {
        using var buffer = new MemoryStream(utf8.Length / 3);
        using (var deflate = new DeflateStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            deflate.Write(utf8);
        }
        return buffer.ToArray();
    }

    public static string Inflate(byte[] stored)
    {
        using var deflate = new DeflateStream(new MemoryStream(stored), CompressionMode.Decompress);
        using var text = new StreamReader(deflate, Encoding.UTF8);
        return text.ReadToEnd();
    }
}
