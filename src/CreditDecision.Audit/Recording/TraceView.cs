using System.Text.Json;
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
    /// The response with its trace cut to <paramref name="level"/>. <paramref name="trace"/> is the full trace when the
    /// caller has it (a decision just made), else it is read from the text (a decision answered again from the log).
    /// </summary>
    public static string Of(string fullResponseJson, string level, IReadOnlyList<StageTrace>? trace = null)
    {
        if (level == Full) return fullResponseJson;
        // The trace is the response's last member, and no member inside it is called "trace".
        var start = fullResponseJson.LastIndexOf(TraceMember, StringComparison.Ordinal) + TraceMember.Length;
        var head = fullResponseJson.AsSpan(0, start);
        if (level == None) return string.Concat(head, "[]}");
        trace ??= JsonSerializer.Deserialize<IReadOnlyList<StageTrace>>(fullResponseJson.AsSpan(start, fullResponseJson.Length - start - 1), ContractJson.Options)!;
        IReadOnlyList<StageTrace> fired = [.. trace.Select(stage => stage with { Rules = [.. stage.Rules.Where(rule => rule.Fired)] })];
        return string.Concat(head, JsonSerializer.Serialize(fired, ContractJson.Options), "}");
    }
}
