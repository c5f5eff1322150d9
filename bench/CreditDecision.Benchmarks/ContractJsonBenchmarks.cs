using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using BenchmarkDotNet.Attributes;
using CreditDecision.Core.Contracts;
using CreditDecision.Core.Decisions;
using CreditDecision.Testing;

namespace CreditDecision.Benchmarks;

/// <summary>
/// The JSON of one decision, read and written as <c>POST /decide</c> does, with the contract's generated serialization
/// code (<see cref="ContractJson.Options"/>) against the same conventions resolved by reflection.
/// </summary>
[MemoryDiagnoser]
public class ContractJsonBenchmarks
{
    private static readonly JsonSerializerOptions ByReflection =
        new(ContractJson.Options) { TypeInfoResolver = new DefaultJsonTypeInfoResolver() };

    private byte[] _request = [];
    private DecisionResponse _response = null!;

    [Params("generated", "reflection")]
    public string Metadata { get; set; } = "";

    private JsonSerializerOptions Options => Metadata == "generated" ? ContractJson.Options : ByReflection;

    [GlobalSetup]
    public void Setup()
    {
        _request = File.ReadAllBytes(Path.Combine(RepoPaths.Samples, "healthy-manufacturer.json"));
        var application = BenchmarkInputs.Application("healthy-manufacturer");
        _response = DecisionPipeline.Evaluate(BenchmarkInputs.Rules(), BenchmarkInputs.Portfolio(), application, Guid.Empty, DateTimeOffset.UnixEpoch);
    }

    [Benchmark]
    public LoanApplication ReadApplication() => JsonSerializer.Deserialize<LoanApplication>(_request, Options)!;

    [Benchmark]
    public byte[] WriteDecision() => JsonSerializer.SerializeToUtf8Bytes(_response, Options);
}
