using System.IO.Compression;
using System.Text;

namespace CreditDecision.Audit.Log;

/// <summary>
/// How an engine decision's request and response are kept in the store: deflated, since the trace makes a response
/// about 12 KB of repetitive JSON that compresses about six times, and the bytes of each durable commit are what
/// bounds <c>POST /decide</c> (docs/benchmarks.md section 2). The text is compressed before the record is queued,
/// on the request's own thread, so the log's single writer only inserts it; the record's hash covers the text, not
/// the stored bytes, so the chain and replay are the same either way.
/// </summary>
public static class StoredJson
{
    /// <summary>The record with its stored form made, for the kinds kept compressed; other kinds unchanged.</summary>
    public static LogRecord Prepare(LogRecord record) => record.Kind == RecordKinds.Decision
        ? record with { StoredRequest = Deflate(record.RequestJson), StoredResponse = Deflate(record.ResponseJson) }
        : record;

    public static byte[] Deflate(string json)
    {
        using var buffer = new MemoryStream(json.Length / 4);
        using (var deflate = new DeflateStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            deflate.Write(Encoding.UTF8.GetBytes(json));
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
