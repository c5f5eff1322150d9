using System.Text.Json;
using CreditDecision.Audit.Log;
using CreditDecision.Core.Contracts;
using CreditDecision.Core.Decisions;
using CreditDecision.Core.Portfolio;
using CreditDecision.Core.Rules;

namespace CreditDecision.Audit.Tests;

/// <summary>
/// The compact trace and the response put back together from its parts are exactly what the contract's serializer
/// writes, for every sample: the log's hashes cover that text, so one differing byte would break the chain.
/// </summary>
public sealed class CompactTraceCodecTests : IDisposable
{
    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    public static TheoryData<string> Samples => new(
        "healthy-manufacturer", "tax-arrears", "young-firm", "large-request",
        "secured-trading-company", "cold-chain-equipment-loan", "unsecured-restaurant-group", "distressed-construction");

    [Theory, MemberData(nameof(Samples))]
    public void A_trace_encoded_against_its_template_decodes_to_the_same_json(string sample)
    {
        var (response, snapshot) = Decide(sample);
        var serialized = JsonSerializer.Serialize(response, ContractJson.Options);

        var (full, traceless) = StoredJson.Serialize(response);
        Assert.Equal(serialized, full);
        var template = CompactTrace.ParseTemplate(CompactTrace.TemplateJsonOf(snapshot));
        var compact = CompactTrace.Encode(response.Trace, CompactTrace.TemplateOf(snapshot));
        Assert.NotNull(compact);
        Assert.Equal(serialized, StoredJson.WithTrace(traceless, compact, template));
        var traceJson = JsonSerializer.Serialize(response.Trace, ContractJson.Options);
        Assert.True(compact.Length * 20 < traceJson.Length, $"{compact.Length} characters for a trace of {traceJson.Length}: {compact}");
    }

    [Fact]
    public void A_value_of_another_scale_or_a_trace_of_other_rules_is_not_taken_for_the_template()
    {
        var (response, snapshot) = Decide("healthy-manufacturer");
        var template = CompactTrace.TemplateOf(snapshot);
        var rating = response.Trace[0];
        var firedIndex = rating.Rules.ToList().FindIndex(rule => rule.Fired && rule.Value is not null);
        var fired = rating.Rules[firedIndex];
        var text = fired.Value!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var rescaled = fired with { Value = decimal.Parse(text + (text.Contains('.') ? "0" : ".0"), System.Globalization.CultureInfo.InvariantCulture) };
        Assert.Equal(fired.Value, rescaled.Value);
        Assert.NotEqual(fired.Value.Value.Scale, rescaled.Value!.Value.Scale);
        IReadOnlyList<StageTrace> changed = [rating with { Rules = [.. rating.Rules.Select((rule, i) => i == firedIndex ? rescaled : rule)] }, .. response.Trace.Skip(1)];

        var compact = CompactTrace.Encode(changed, template)!;
        Assert.Equal(JsonSerializer.Serialize(changed, ContractJson.Options), JsonSerializer.Serialize(CompactTrace.Decode(compact, template), ContractJson.Options));
        Assert.Null(CompactTrace.Encode([.. response.Trace.Skip(1)], template));
        Assert.Null(CompactTrace.Encode([rating with { Ruleset = "another" }, .. response.Trace.Skip(1)], template));
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
