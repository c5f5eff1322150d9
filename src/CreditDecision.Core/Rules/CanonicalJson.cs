using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace CreditDecision.Core.Rules;

/// <summary>
/// Canonical form of a JSON document: object keys sorted by ordinal, no insignificant whitespace, numbers and
/// strings as written. Two files that differ only in layout or key order have the same canonical form and hash.
/// </summary>
public static class CanonicalJson
{
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
    };

    public static byte[] Canonicalize(JsonElement element)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            Write(writer, element);
        }
        return buffer.ToArray();
    }

    /// <summary>Lower-case hex SHA-256 of the canonical form: a ruleset's version.</summary>
    public static string Sha256(JsonElement element) =>
        Convert.ToHexStringLower(SHA256.HashData(Canonicalize(element)));

    private static void Write(Utf8JsonWriter writer, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in element.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(property.Name);
                    Write(writer, property.Value);
                }
                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray()) Write(writer, item);
                writer.WriteEndArray();
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }
}
