using System.Text.Json;
using CreditDecision.Audit.Log;
using CreditDecision.Core.Contracts;
using CreditDecision.Core.Decisions;
using CreditDecision.Core.Portfolio;
using CreditDecision.Core.Rules;

namespace CreditDecision.Audit.Tests;

/// <summary>
/// A trace kept compact against its snapshot's template, and a trace written from the template's pieces, are exactly
/// what the contract's serializer writes, for every sample: the log's hashes cover that text, so one differing byte
/// would break the chain, and a caller reading the response could not tell how it was written.
/// </summary>
public sealed class TraceTemplateTests : IDisposable
{
    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    public static TheoryData<string> Samples => new(
        "healthy-manufacturer", "tax-arrears", "young-firm", "large-request",
        "secured-trading-company", "cold-chain-equipment-loan", "unsecured-restaurant-group", "distressed-construction");

    [Theory, MemberData(nameof(Samples))]
    public void A_trace_written_or_kept_compact_with_its_template_is_the_serializers_json(string sample)
    {
        var (response, snapshot) = Decide(sample);
        var serialized = JsonSerializer.Serialize(response, ContractJson.Options);
        var template = TraceTemplate.Of(snapshot);

        var (full, traceless) = StoredJson.Serialize(response, template);
        Assert.Equal(serialized, full);
        Assert.Equal(JsonSerializer.Serialize(TraceTemplate.FiredOnly(response.Trace), ContractJson.Options), template.WriteJson(response.Trace, firedOnly: true));
        var compact = template.Encode(response.Trace);
        Assert.NotNull(compact);
        Assert.Equal(serialized, StoredJson.WithTrace(System.Text.Encoding.UTF8.GetString(traceless), compact, TraceTemplate.Parse(template.Json)));
        var traceJson = JsonSerializer.Serialize(response.Trace, ContractJson.Options);
        Assert.True(compact.Length * 20 < traceJson.Length, $"{compact.Length} characters for a trace of {traceJson.Length}: {compact}");
    }

    [Fact]
    public void A_value_of_another_scale_or_a_trace_of_other_rules_is_not_taken_for_the_template()
    {
        var (response, snapshot) = Decide("healthy-manufacturer");
        var template = TraceTemplate.Of(snapshot);
        var rating = response.Trace[0];
        var firedIndex = rating.Rules.ToList().FindIndex(rule => rule.Fired && rule.Value is not null);
        var fired = rating.Rules[firedIndex];
        var text = fired.Value!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var rescaled = fired with { Value = decimal.Parse(text + (text.Contains('.') ? "0" : ".0"), System.Globalization.CultureInfo.InvariantCulture) };
        Assert.Equal(fired.Value, rescaled.Value);
        Assert.NotEqual(fired.Value.Value.Scale, rescaled.Value!.Value.Scale);
        IReadOnlyList<StageTrace> changed = [rating with { Rules = [.. rating.Rules.Select((rule, i) => i == firedIndex ? rescaled : rule)] }, .. response.Trace.Skip(1)];

        var expected = JsonSerializer.Serialize(changed, ContractJson.Options);
        Assert.Equal(expected, template.WriteJson(changed));
        Assert.Equal(expected, JsonSerializer.Serialize(template.Decode(template.Encode(changed)!), ContractJson.Options));
        IReadOnlyList<StageTrace> otherRuleset = [rating with { Ruleset = "another" }, .. response.Trace.Skip(1)];
        Assert.Null(template.Encode([.. response.Trace.Skip(1)]));
        Assert.Null(template.Encode(otherRuleset));
        Assert.Equal(JsonSerializer.Serialize(otherRuleset, ContractJson.Options), template.WriteJson(otherRuleset));
    }

    private (DecisionResponse Response, RulesetSnapshot Snapshot) Decide(string sample)
    {
        var rules = new RulesHost(RepoPaths.Rules, new RulesetArchive(Path.Combine(_data.Path, "archive")), TimeProvider.System);
        Assert.True(rules.Reload().IsValid);
        var portfolio = new PortfolioHost(RepoPaths.PortfolioFile);
        Assert.Empty(portfolio.Load());
        var application = JsonSerializer.Deserialize<LoanApplication>(RepoPaths.Sample(sample), ContractJson.Options)!;
        var decision = new DecisionService(rules, portfolio, TimeProvider.System).Decide(application);
        return (decision.Response, decision.Snapshot);
    }
}
