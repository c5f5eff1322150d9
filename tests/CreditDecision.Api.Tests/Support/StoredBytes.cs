using System.IO.Compression;
using System.Text;

namespace CreditDecision.Api.Tests;

/// <summary>What the log's database holds for a deflated column (raw deflate, RFC 1951), read and written as a test changes it.</summary>
public static class StoredBytes
{
    public static string Inflate(byte[] stored)
    {
        using var deflate = new DeflateStream(new MemoryStream(stored), CompressionMode.Decompress);
        return new StreamReader(deflate).ReadToEnd();
    }

    public static byte[] Deflate(string text)
    {
        using var buffer = new MemoryStream();
        using (var deflate = new DeflateStream(buffer, CompressionLevel.Optimal)) deflate.Write(Encoding.UTF8.GetBytes(text));
        return buffer.ToArray();
    }
}
