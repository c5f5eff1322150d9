using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using CreditDecision.Core.Contracts;
using CreditDecision.Core.Rules;

namespace CreditDecision.Audit.Log;

/// <summary>
/// What every trace made with one snapshot has in common: the stages with their ruleset and version, each rule's
/// name, and what a rule reports whenever it fires (the points, code or level; a limit rule's cap name). It is the
/// trace the snapshot would give if every rule fired with those values, kept once per snapshot in the log.
/// </summary>
/// <remarks>
/// Against it a decision's trace is kept compact (<see cref="Encode"/>): JSON with one element per stage, in the
/// template's order, each an array whose first item is the stage's fired bits in hexadecimal (rule <c>i</c> is bit
/// <c>i % 8</c> of byte <c>i / 8</c>), followed by <c>[index, value]</c> for every fired rule whose value differs from
/// its template entry, or <c>[index, value, code]</c> when its code differs too. <see cref="Decode"/> gives the trace
/// back exactly, value for value and scale for scale. The template also writes a trace's JSON from pieces made once
/// (<see cref="WriteUtf8"/>): the same bytes as the contract's serializer writes, in a fraction of its time.
/// </remarks>
public sealed class TraceTemplate
{
    private static readonly ConditionalWeakTable<RulesetSnapshot, TraceTemplate> OfSnapshots = [];

    private readonly StageJson[] _json;

    private TraceTemplate(IReadOnlyList<StageTrace> stages, string json)
    {
        Stages = stages;
        Json = json;
        _json = [.. stages.Select(StageJson.Of)];
    }

    /// <summary>Per decision stage, its rules as they report when they fire.</summary>
    public IReadOnlyList<StageTrace> Stages { get; }

    /// <summary>The template in the contract's JSON, as the log keeps it beside the snapshot's versions.</summary>
    public string Json { get; }

    /// <summary>The template of a snapshot's decisions, made once per snapshot.</summary>
    public static TraceTemplate Of(RulesetSnapshot snapshot) => OfSnapshots.GetValue(snapshot, static snapshot =>
    {
        IReadOnlyList<StageTrace> stages = [.. snapshot.InDecisionOrder.Select(ruleset => new StageTrace(
            ruleset.Stage.WireName(), ruleset.Name, ruleset.Version, [.. ruleset.Rules.Select(FiredAsTemplate)]))];
        return new TraceTemplate(stages, JsonSerializer.Serialize(stages, ContractJson.Options));
    });

    public static TraceTemplate Parse(string json) => new(
        JsonSerializer.Deserialize<IReadOnlyList<StageTrace>>(json, ContractJson.Options) ?? throw new JsonException("A trace template is null."), json);

    /// <summary>Whether a trace has exactly the template's stages and rules, so it can be kept compact and written from the template's pieces.</summary>
    public bool Fits(IReadOnlyList<StageTrace> trace)
    {
        if (trace.Count != Stages.Count) return false;
        for (var s = 0; s < trace.Count; s++)
        {
            var (stage, expected) = (trace[s], Stages[s]);
            if (stage.Stage != expected.Stage || stage.Ruleset != expected.Ruleset || stage.Version != expected.Version
                || stage.Rules.Count != expected.Rules.Count)
            {
                return false;
            }
            for (var i = 0; i < stage.Rules.Count; i++)
            {
                var rule = stage.Rules[i];
                if (rule.Rule != expected.Rules[i].Rule || (!rule.Fired && (rule.Value is not null || rule.Code is not null))) return false;
            }
        }
        return true;
    }

    /// <summary>The compact form of a trace, or null when the trace does not fit the template (it is then kept whole).</summary>
    public string? Encode(IReadOnlyList<StageTrace> trace)
    {
        if (!Fits(trace)) return null;
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            for (var s = 0; s < trace.Count; s++)
            {
                var (rules, expected) = (trace[s].Rules, Stages[s].Rules);
                json.WriteStartArray();
                var bits = new byte[(rules.Count + 7) / 8];
                for (var i = 0; i < rules.Count; i++)
                {
                    if (rules[i].Fired) bits[i / 8] |= (byte)(1 << (i % 8));
                }
                json.WriteStringValue(Convert.ToHexStringLower(bits));
                for (var i = 0; i < rules.Count; i++)
                {
                    var (rule, entry) = (rules[i], expected[i]);
                    if (!rule.Fired || IsEntry(rule, entry)) continue;
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
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>The trace a compact form stands for.</summary>
    /// <exception cref="JsonException">The compact form does not fit the template.</exception>
    public IReadOnlyList<StageTrace> Decode(string compact)
    {
        using var document = JsonDocument.Parse(compact);
        var stages = document.RootElement;
        if (stages.GetArrayLength() != Stages.Count) throw new JsonException("A compact trace has a different number of stages than its template.");
        var trace = new StageTrace[Stages.Count];
        var s = 0;
        foreach (var stage in stages.EnumerateArray())
        {
            var expected = Stages[s];
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
                if ((bits[i / 8] & (1 << (i % 8))) == 0) throw new JsonException($"A compact trace gives a value for rule {i} of stage {expected.Stage}, which did not fire.");
                var value = changed[1].ValueKind == JsonValueKind.Null ? (decimal?)null : changed[1].GetDecimal();
                var code = changed.GetArrayLength() > 2 ? changed[2].GetString() : expected.Rules[i].Code;
                rules[i] = new RuleTrace(expected.Rules[i].Rule, true, value, code);
            }
            trace[s++] = expected with { Rules = rules };
        }
        return trace;
    }

    /// <summary>
    /// The trace's JSON, exactly as the contract's serializer writes it, with only the rules that fired when
    /// <paramref name="firedOnly"/>: pieces made once per rule, and the serializer's writer only for the values computed
    /// per decision. A trace that does not <see cref="Fits"/> the template is written by the serializer.
    /// </summary>
    public string WriteJson(IReadOnlyList<StageTrace> trace, bool firedOnly = false)
    {
        var buffer = new ArrayBufferWriter<byte>(firedOnly ? 4096 : 16384);
        WriteUtf8(buffer, trace, firedOnly);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <inheritdoc cref="WriteJson"/>
    public void WriteUtf8(IBufferWriter<byte> buffer, IReadOnlyList<StageTrace> trace, bool firedOnly = false)
    {
        using var json = new Utf8JsonWriter(buffer, WriterOptions);
        if (!Fits(trace))
        {
            JsonSerializer.Serialize(json, firedOnly ? FiredOnly(trace) : trace, ContractJson.Options);
            return;
        }
        json.WriteStartArray();
        for (var s = 0; s < trace.Count; s++)
        {
            var (rules, expected, pieces) = (trace[s].Rules, Stages[s].Rules, _json[s]);
            json.WriteStartObject();
            json.WriteString(StageName, pieces.Stage);
            json.WriteString(RulesetName, pieces.Ruleset);
            json.WriteString(VersionName, pieces.Version);
            json.WriteStartArray(RulesName);
            for (var i = 0; i < rules.Count; i++)
            {
                var rule = rules[i];
                if (!rule.Fired)
                {
                    if (!firedOnly) json.WriteRawValue(pieces.Silent[i], skipInputValidation: true);
                }
                else if (IsEntry(rule, expected[i])) json.WriteRawValue(pieces.Fired[i], skipInputValidation: true);
                else WriteComputed(json, pieces.Names[i], rule);
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }

    // The contract serializer's members of a stage and a rule, in its order, with its escaping; null members left out.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = ContractJson.Options.Encoder, SkipValidation = true };
    private static readonly JsonEncodedText StageName = JsonEncodedText.Encode("stage");
    private static readonly JsonEncodedText RulesetName = JsonEncodedText.Encode("ruleset");
    private static readonly JsonEncodedText VersionName = JsonEncodedText.Encode("version");
    private static readonly JsonEncodedText RulesName = JsonEncodedText.Encode("rules");
    private static readonly JsonEncodedText RuleName = JsonEncodedText.Encode("rule");
    private static readonly JsonEncodedText FiredName = JsonEncodedText.Encode("fired");
    private static readonly JsonEncodedText ValueName = JsonEncodedText.Encode("value");
    private static readonly JsonEncodedText CodeName = JsonEncodedText.Encode("code");

    private static void WriteComputed(Utf8JsonWriter json, JsonEncodedText name, RuleTrace rule)
    {
        json.WriteStartObject();
        json.WriteString(RuleName, name);
        json.WriteBoolean(FiredName, rule.Fired);
        if (rule.Value is { } value) json.WriteNumber(ValueName, value);
        if (rule.Code is { } code) json.WriteString(CodeName, code);
        json.WriteEndObject();
    }

    /// <summary>Per stage, only the rules that fired.</summary>
    public static IReadOnlyList<StageTrace> FiredOnly(IReadOnlyList<StageTrace> trace) =>
        [.. trace.Select(stage => stage with { Rules = [.. stage.Rules.Where(rule => rule.Fired)] })];

    private static bool IsEntry(RuleTrace rule, RuleTrace entry) => Same(rule.Value, entry.Value) && rule.Code == entry.Code;

    // 1.0 and 1.00 are equal decimals but different JSON: a value is only the template's when its scale is too.
    private static bool Same(decimal? value, decimal? expected) =>
        value == expected && (value is not { } v || v.Scale == expected!.Value.Scale);

    /// <summary>How a rule reports when it fires, as far as that is the same every time: a limit rule's cap name, not its amount.</summary>
    private static RuleTrace FiredAsTemplate(CompiledRule rule) =>
        rule.Spec.Cap is { } cap ? rule.Fired with { Code = cap } : rule.Fired;

    /// <summary>A stage's names, escaped once, and each rule's JSON when silent and when fired as in the template, written by the serializer.</summary>
    private sealed record StageJson(
        JsonEncodedText Stage, JsonEncodedText Ruleset, JsonEncodedText Version, JsonEncodedText[] Names, byte[][] Silent, byte[][] Fired)
    {
        public static StageJson Of(StageTrace stage) => new(
            Encode(stage.Stage), Encode(stage.Ruleset), Encode(stage.Version),
            [.. stage.Rules.Select(rule => Encode(rule.Rule))],
            [.. stage.Rules.Select(rule => JsonSerializer.SerializeToUtf8Bytes(new RuleTrace(rule.Rule, false), ContractJson.Options))],
            [.. stage.Rules.Select(rule => JsonSerializer.SerializeToUtf8Bytes(rule, ContractJson.Options))]);

        private static JsonEncodedText Encode(string text) => JsonEncodedText.Encode(text, ContractJson.Options.Encoder);
    }
}
