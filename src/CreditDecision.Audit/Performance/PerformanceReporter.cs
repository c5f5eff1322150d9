using System.Text.Json;
using CreditDecision.Audit.Log;
using CreditDecision.Audit.Replay;
using CreditDecision.Core.Contracts;
using CreditDecision.Core.Decisions;
using CreditDecision.Core.Validation;

namespace CreditDecision.Audit.Performance;

/// <summary>What a performance report covers.</summary>
/// <param name="Ruleset">The rating ruleset whose scorecard is validated, e.g. <c>sme-rating</c>.</param>
/// <param name="HorizonMonths">A loan counts once this many months have passed since its decision; it defaulted if its first default (or write-off) is within them. 0: every loan, defaults up to now.</param>
/// <param name="Reference">The decisions the window's population is compared with for stability, or null for none.</param>
public sealed record PerformanceQuery(string Ruleset, DateTimeOffset? From, DateTimeOffset? To, int HorizonMonths, (DateTimeOffset From, DateTimeOffset To)? Reference);

/// <summary>The reference population of the stability figures.</summary>
public sealed record PerformanceReference(DateTimeOffset From, DateTimeOffset To, long Loans);

/// <summary>
/// How the rating model performed on the loans it rated: per version of the rating ruleset that scored them,
/// discrimination, calibration by grade, stability and the factors' power.
/// </summary>
/// <param name="AsOf">The time the horizon was measured to.</param>
/// <param name="Decisions">Decisions of the window rated by the ruleset (every outcome).</param>
/// <param name="Booked">Of those, approved or referred: the loans whose performance is followed (declined applications have none).</param>
/// <param name="Observed">Of the booked, those whose horizon has passed: the sample the figures are computed on.</param>
/// <param name="Defaults">Observed loans with a default or write-off within their horizon.</param>
/// <param name="DefaultDefinition">The default definition the outcomes were posted under.</param>
public sealed record PerformanceReport(
    string Ruleset,
    DateTimeOffset? From,
    DateTimeOffset? To,
    int HorizonMonths,
    DateTimeOffset AsOf,
    long Decisions,
    long Booked,
    long Observed,
    long Defaults,
    string DefaultDefinition,
    PerformanceReference? Reference,
    IReadOnlyList<VersionPerformance> Versions);

/// <summary>
/// Builds the performance report by streaming the log twice: once the outcomes (keeping, per defaulted decision,
/// the date of its first default: memory grows with the defaults, not the book), then the decisions of the window
/// (a few counters per score, grade and bin; nothing per loan). The scorecard of each version is read from the
/// rules that version was logged with.
/// </summary>
public sealed class PerformanceReporter(IDecisionLog log, DecisionReplayer replayer, TimeProvider clock)
{
    public const int MaxHorizonMonths = 60;

    private static readonly string[] DefaultEvents = [ContractJson.WireName(OutcomeEvent.Default), ContractJson.WireName(OutcomeEvent.WriteOff)];

    public async Task<PerformanceReport> RunAsync(PerformanceQuery query, ValidationThresholds thresholds, CancellationToken cancellationToken)
    {
        var asOf = RecordTime.Now(clock);
        var firstDefaults = await FirstDefaultsAsync(query.From, cancellationToken);
        var scorecards = new Dictionary<string, IReadOnlyList<ScorecardFactor>>();
        var builders = new SortedDictionary<string, VersionPerformanceBuilder>(StringComparer.Ordinal);
        long decisions = 0, booked = 0, observed = 0, defaults = 0;

        await foreach (var loan in RatedAsync(query.Ruleset, query.From, query.To, scorecards, cancellationToken))
        {
            decisions++;
            if (!loan.Booked) continue;
            booked++;
            var horizonEnd = loan.DecidedAt.AddMonths(query.HorizonMonths);
            if (horizonEnd > asOf) continue;
            observed++;
            var defaulted = firstDefaults.TryGetValue(loan.DecisionId, out var defaultDate)
                && (query.HorizonMonths == 0 || defaultDate <= DateOnly.FromDateTime(horizonEnd.UtcDateTime));
            if (defaulted) defaults++;
            if (!builders.TryGetValue(loan.Version, out var builder)) builders[loan.Version] = builder = new VersionPerformanceBuilder(loan.Version, scorecards[loan.Version]);
            builder.Add(new ScoredLoan(loan.Version, loan.Score, loan.Grade, loan.Pd, loan.Bins, defaulted));
        }

        PopulationProfile? reference = null;
        PerformanceReference? referenceSummary = null;
        if (query.Reference is { } window)
        {
            reference = new PopulationProfile();
            await foreach (var loan in RatedAsync(query.Ruleset, window.From, window.To, scorecards, cancellationToken))
            {
                if (loan.Booked) reference.Add(loan.Score, loan.Bins);
            }
            referenceSummary = new PerformanceReference(window.From, window.To, reference.Count);
        }

        return new PerformanceReport(
            query.Ruleset, query.From, query.To, query.HorizonMonths, asOf, decisions, booked, observed, defaults,
            DefaultDefinition(scorecards.Count > 0 ? query.Ruleset : null),
            referenceSummary,
            [.. builders.Values.Select(builder => builder.Build(reference, thresholds))]);
    }

    private static string DefaultDefinition(string? ruleset) =>
        "An outcome of event default (90 days past due, or as the rating ruleset's Parameters.defaultDaysPastDue says) or write-off " +
        "dated within the horizon" + (ruleset is null ? "." : $" of a loan rated by {ruleset}.");

    /// <summary>Per decision with a default or write-off, the date of the first.</summary>
    private async Task<Dictionary<Guid, DateOnly>> FirstDefaultsAsync(DateTimeOffset? from, CancellationToken cancellationToken)
    {
        var first = new Dictionary<Guid, DateOnly>();
        // An outcome is recorded after its decision, so outcomes before the window concern no decision in it.
        await foreach (var record in log.ExportAsync(from, null, RecordKinds.Outcome, cancellationToken))
        {
            if (!DefaultEvents.Contains(record.Outcome)) continue;
            var outcome = JsonSerializer.Deserialize<LoanOutcome>(record.RequestJson, ContractJson.Options)!;
            var decision = outcome.DecisionId!.Value;
            var date = outcome.Date!.Value;
            if (!first.TryGetValue(decision, out var earlier) || date < earlier) first[decision] = date;
        }
        return first;
    }

    private sealed record RatedLoan(Guid DecisionId, DateTimeOffset DecidedAt, bool Booked, string Version, decimal Score, string Grade, decimal Pd, IReadOnlyList<FactorBin> Bins);

    /// <summary>The decisions of a period rated by the ruleset, with the bins that scored them; scorecards of new versions are added as met.</summary>
    private async IAsyncEnumerable<RatedLoan> RatedAsync(
        string ruleset, DateTimeOffset? from, DateTimeOffset? to, Dictionary<string, IReadOnlyList<ScorecardFactor>> scorecards,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var binsByVersion = new Dictionary<string, Dictionary<string, FactorBin>>(StringComparer.Ordinal);
        await foreach (var record in log.ExportAsync(from, to, RecordKinds.Decision, cancellationToken))
        {
            using var response = JsonDocument.Parse(record.ResponseJson);
            var root = response.RootElement;
            var rating = root.GetProperty("trace").EnumerateArray()
                .FirstOrDefault(stage => stage.GetProperty("ruleset").GetString() == ruleset && stage.GetProperty("stage").GetString() == "rating");
            if (rating.ValueKind != JsonValueKind.Object) continue;
            var version = rating.GetProperty("version").GetString()!;
            if (!binsByVersion.TryGetValue(version, out var bins))
            {
                var scorecard = await ScorecardAsync(record.SnapshotId, ruleset, cancellationToken);
                scorecards[version] = scorecard;
                binsByVersion[version] = bins = scorecard
                    .SelectMany(factor => factor.Bins.Select(bin => new FactorBin(factor.Factor, bin.Bin, bin.Points)))
                    .ToDictionary(bin => bin.Bin, StringComparer.Ordinal);
            }
            var fired = new List<FactorBin>(bins.Count == 0 ? 0 : 16);
            foreach (var rule in rating.GetProperty("rules").EnumerateArray())
            {
                if (rule.GetProperty("fired").GetBoolean() && bins.TryGetValue(rule.GetProperty("rule").GetString()!, out var bin)) fired.Add(bin);
            }
            var grade = root.GetProperty("rating");
            yield return new RatedLoan(
                record.RecordId, record.RecordedAt, record.Outcome is DecisionPipeline.Approve or DecisionPipeline.Refer, version,
                grade.GetProperty("score").GetDecimal(), grade.GetProperty("grade").GetString()!, grade.GetProperty("pd").GetDecimal(), fired);
        }
    }

    /// <summary>The factors and bins of the ruleset as the version set of a logged decision holds it.</summary>
    private async Task<IReadOnlyList<ScorecardFactor>> ScorecardAsync(string snapshotId, string ruleset, CancellationToken cancellationToken)
    {
        var snapshot = await replayer.SnapshotAsync(snapshotId, cancellationToken);
        var compiled = snapshot.All.First(r => r.Name == ruleset);
        return [.. compiled.Rules
            .Where(rule => rule.Spec.Factor is not null)
            .GroupBy(rule => rule.Spec.Factor!)
            .Select(factor => new ScorecardFactor(factor.Key, [.. factor.Select(rule => (rule.Name, rule.Spec.Points))]))];
    }
}
