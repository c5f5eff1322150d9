using System.Diagnostics;
using System.Diagnostics.Metrics;
using BenchmarkDotNet.Attributes;
using CreditDecision.Core.Contracts;
using CreditDecision.Core.Decisions;
using CreditDecision.Core.Portfolio;
using CreditDecision.Core.Rules;
using CreditDecision.Core.Telemetry;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace CreditDecision.Benchmarks;

/// <summary>
/// The cost of the metrics on a live decision: the pipeline alone against the pipeline with stage timings and
/// <see cref="ServiceMetrics.RecordDecision"/>, while an OpenTelemetry meter provider aggregates the meter as the service's does.
/// </summary>
[MemoryDiagnoser]
public class InstrumentationBenchmarks
{
    private RulesetSnapshot _snapshot = null!;
    private LoanApplication _application = null!;
    private PortfolioSnapshot _portfolio = null!;
    private MeterProvider _meters = null!;
    private ServiceMetrics _metrics = null!;

    [Params("healthy-manufacturer", "distressed-construction")]
    public string Sample { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        _snapshot = BenchmarkInputs.Rules();
        _application = BenchmarkInputs.Application(Sample);
        _portfolio = BenchmarkInputs.Portfolio();
        _meters = Sdk.CreateMeterProviderBuilder().AddMeter(ServiceMetrics.MeterName).Build();
        _metrics = new ServiceMetrics(new PlainMeterFactory());
    }

    [GlobalCleanup]
    public void Cleanup() => _meters.Dispose();

    [Benchmark(Baseline = true)]
    public DecisionResponse Uninstrumented() =>
        DecisionPipeline.Evaluate(_snapshot, _portfolio, _application, Guid.Empty, DateTimeOffset.UnixEpoch);

    [Benchmark]
    public DecisionResponse Instrumented()
    {
        var startedAt = Stopwatch.GetTimestamp();
        var timings = new StageTimings();
        var response = DecisionPipeline.Evaluate(_snapshot, _portfolio, _application, Guid.Empty, DateTimeOffset.UnixEpoch, timings);
        _metrics.RecordDecision(_application, response, startedAt, timings);
        return response;
    }

    /// <summary>Meters as the host's factory makes them, for a meter provider built without a host.</summary>
    private sealed class PlainMeterFactory : IMeterFactory
    {
        public Meter Create(MeterOptions options) => new(options);

        public void Dispose()
        {
        }
    }
}
