using System.Runtime.CompilerServices;
using System.Text.Json;
using CreditDecision.Core.Contracts;
using CreditDecision.Core.Rules;

namespace CreditDecision.Audit.Log;

/// <summary>
/// A decision's trace as the log keeps it: per stage, one bit per rule (fired or not) and, for the fired rules whose
/// result is computed (a limit cap's amount, a pricing rule's value), that result. Everything else a trace says (the
/// stage, ruleset and version, each rule's name, the points, code or level a rule reports whenever it fires) is the
/// same for every decision made with a snapshot, and is kept once per snapshot as its template: the trace the
/// snapshot would give if every rule fired (<see cref="TemplateOf"/>). Expanding the compact form with the template
/// gives the trace back exactly, value for value and scale for scale (ADR 0020).
/// </summary>
/// <remarks>
/// The compact form is JSON: an array with one element per stage, in the template's order, each an array whose first
/// item is the stage's fired bits in hexadecimal (rule <c>i</c> is bit <c>i % 8</c> of byte <c>i / 8</c>), followed by
/// <c>[index, value]</c> for every fired rule whose result differs from its template entry, or <c>[index, value, code]</c>
/// when its code differs too.
/// </remarks>
public static class CompactTrace
{
    private static readonly ConditionalWeakTable<RulesetSnapshot, Template> Templates = [];

    /// <summary>The trace a snapshot's decisions are expanded against: every decision stage's rules as they report when they fire.</summary>
    public static IReadOnlyList<StageTrace> TemplateOf(RulesetSnapshot snapshot) => TemplateFor(snapshot).Stages;

    /// <summary>The template in the contract's JSON, as the log keeps it beside the snapshot's versions.</summary>
    public static string TemplateJsonOf(RulesetSnapshot snapshot) => TemplateFor(snapshot).Json;

    public static IReadOnlyList<StageTrace> ParseTemplate(string json) =>
        JsonSerializer.Deserialize<IReadOnlyList<StageTrace>>(json, ContractJson.Options)
        ?? throw new JsonException("A trace template is null.");

    /// <summary>
    /// The compact form of a trace made with the snapshot whose template is given, or null when the trace does not
    /// follow that template (its stages or rules differ): such a trace is kept whole.
    /// </summary>
    public static string? Encode(IReadOnlyList<StageTrace> trace, IReadOnlyList<StageTrace> template)
    {
        if (trace.Count != template.Count) return null;
        using var buffer = new MemoryStream(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            for (var s = 0; s < trace.Count; s++)
            {
                var (stage, expected) = (trace[s], template[s]);
                if (stage.Stage != expected.Stage || stage.Ruleset != expected.Ruleset || stage.Version != expected.Version
                    || stage.Rules.Count != expected.Rules.Count)
                {
                    return null;
                }
                json.WriteStartArray();
                var bits = new byte[(stage.Rules.Count + 7) / 8];
                for (var i = 0; i < stage.Rules.Count; i++)
                {
                    if (stage.Rules[i].Fired) bits[i / 8] |= (byte)(1 << (i % 8));
                }
                json.WriteStringValue(Convert.ToHexStringLower(bits));
                for (var i = 0; i < stage.Rules.Count; i++)
                {
                    var (rule, entry) = (stage.Rules[i], expected.Rules[i]);
                    if (rule.Rule != entry.Rule) return null;
                    if (!rule.Fired)
                    {
                        if (rule.Value is not null || rule.Code is not null) return null;
                        continue;
                    }
                    if (Same(rule.Value, entry.Value) && rule.Code == entry.Code) continue;
                    json.WriteStartArray();
                    json.WriteNumberValue(i);
                    if (rule.Value is { } value) json.WriteNumberValue(value);
                    else json.WriteNullValue();
                    if (rule.Code != entry.Code) json.WriteStringValue(rule.Code);
                    json.WriteEndArray();
                }
                json.WriteEndArray();
            }
            json.WriteEndArray();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>The trace a compact form stands for, expanded with its snapshot's template.</summary>
    /// <exception cref="JsonException">The compact form does not fit the template.</exception>
    public static IReadOnlyList<StageTrace> Decode(string compact, IReadOnlyList<StageTrace> template)
    {
        using var document = JsonDocument.Parse(compact);
        var stages = document.RootElement;
        if (stages.GetArrayLength() != template.Count) throw new JsonException("A compact trace has a different number of stages than its template.");
        var trace = new StageTrace[template.Count];
        var s = 0;
        foreach (var stage in stages.EnumerateArray())
        {
            var expected = template[s];
            var items = stage.EnumerateArray();
            items.MoveNext();
            var bits = Convert.FromHexString(items.Current.GetString()!);
            if (bits.Length != (expected.Rules.Count + 7) / 8) throw new JsonException($"A compact trace's stage {expected.Stage} has the wrong number of rules.");
            var rules = new RuleTrace[expected.Rules.Count];
            for (var i = 0; i < rules.Length; i++)
            {
                var entry = expected.Rules[i];
                rules[i] = (bits[i / 8] & (1 << (i % 8))) != 0 ? entry : new RuleTrace(entry.Rule, false);
            }
            while (items.MoveNext())
            {
                var changed = items.Current;
                var i = changed[0].GetInt32();
                var value = changed[1].ValueKind == JsonValueKind.Null ? (decimal?)null : changed[1].GetDecimal();
                var code = changed.GetArrayLength() > 2 ? changed[2].GetString() : expected.Rules[i].Code;
                rules[i] = new RuleTrace(expected.Rules[i].Rule, true, value, code);
            }
            trace[s++] = expected with { Rules = rules };
        }
        return trace;
    }

    // 1.0 and 1.00 are equal decimals but different JSON: a value is only the template's when its scale is too.
    private static bool Same(decimal? value, decimal? expected) =>
        value == expected && (value is not { } v || v.Scale == expected!.Value.Scale);

    private static Template TemplateFor(RulesetSnapshot snapshot) => Templates.GetValue(snapshot, static snapshot =>
    {
        IReadOnlyList<StageTrace> stages = [.. snapshot.InDecisionOrder.Select(ruleset => new StageTrace(
            ruleset.Stage.WireName(), ruleset.Name, ruleset.Version, [.. ruleset.Rules.Select(FiredAsTemplate)]))];
        return new Template(stages, JsonSerializer.Serialize(stages, ContractJson.Options));
    });

    /// <summary>How a rule reports when it fires, as far as that is the same every time: a limit rule's cap name, not its amount.</summary>
    private static RuleTrace FiredAsTemplate(CompiledRule rule) =>
        rule.Spec.Cap is { } cap ? rule.Fired with { Code = cap } : rule.Fired;

    private sealed record Template(IReadOnlyList<StageTrace> Stages, string Json);
}
