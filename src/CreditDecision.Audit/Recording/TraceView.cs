using System.Buffers;
using System.Text;
using System.Text.Json;
using CreditDecision.Audit.Log;
using CreditDecision.Core.Contracts;

namespace CreditDecision.Audit.Recording;

/// <summary>
/// How much of its trace a decision's response carries (<c>POST /decide?trace=</c>). The log keeps the whole trace
/// whatever the caller asked for, so a replay, an export or <c>GET /decisions/{id}</c> gives every rule's result, and
/// the response a caller got is the logged response with its trace cut to the level asked for.
/// </summary>
public static class TraceView
{
    /// <summary>Per stage, only the rules that fired: what drove the decision, about a fifth of the whole trace. The default.</summary>
    public const string Fired = "fired";

    /// <summary>Every rule evaluated, fired or not.</summary>
    public const string Full = "full";

    /// <summary>No stages: <c>"trace": []</c>.</summary>
    public const string None = "none";

    /// <summary>What a response carries when the caller does not say: an origination system needs the decision and what drove it.</summary>
    public const string Default = Fired;

    public static readonly IReadOnlyList<string> Levels = [Fired, Full, None];

    private const string TraceMember = ",\"trace\":";

    /// <summary>
    /// The response with its trace cut to <paramref name="level"/>. A decision just made comes with its trace and its
    /// snapshot's template; a decision answered again from the log has its trace read from the text.
    /// </summary>
    public static string Of(string fullResponseJson, string level, IReadOnlyList<StageTrace>? trace = null, TraceTemplate? template = null)
    {
        if (level == Full) return fullResponseJson;
        // The trace is the response's last member, and no member inside it is called "trace".
        var start = fullResponseJson.LastIndexOf(TraceMember, StringComparison.Ordinal) + TraceMember.Length;
        var head = fullResponseJson.AsSpan(0, start);
        if (level == None) return string.Concat(head, "[]}");
        if (trace is null || template is null)
        {
            trace ??= JsonSerializer.Deserialize<IReadOnlyList<StageTrace>>(fullResponseJson.AsSpan(start, fullResponseJson.Length - start - 1), ContractJson.Options)!;
            return string.Concat(head, JsonSerializer.Serialize(TraceTemplate.FiredOnly(trace), ContractJson.Options), "}");
        }
        var buffer = StoredJson.ThreadBuffer();
        template.WriteUtf8(buffer, trace, firedOnly: true);
        var fired = buffer.WrittenSpan;
        var length = start + Encoding.UTF8.GetCharCount(fired) + 1;
        var text = ArrayPool<char>.Shared.Rent(length);
        head.CopyTo(text);
        Encoding.UTF8.GetChars(fired, text.AsSpan(start));
        text[length - 1] = '}';
        var body = new string(text, 0, length);
        ArrayPool<char>.Shared.Return(text);
        return body;
    }
}
