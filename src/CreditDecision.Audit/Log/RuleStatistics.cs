using System.Text.Json;

namespace CreditDecision.Audit.Log;

/// <summary>How often each rule of a ruleset fired in the logged decisions (or reviews) of a period, per version.</summary>
/// <param name="Evaluations">Logged decisions (or reviews) of the period that ran this ruleset.</param>
public sealed record RulesetStatistics(string Ruleset, DateTimeOffset? From, DateTimeOffset? To, long Evaluations, IReadOnlyList<VersionStatistics> Versions);

/// <summary>One version's rules in the order the trace lists them, with hits and the share of evaluations they fired in.</summary>
public sealed record VersionStatistics(string Version, long Evaluations, IReadOnlyList<RuleStatistics> Rules);

public sealed record RuleStatistics(string Rule, long Hits, decimal Rate);

/// <summary>
/// Counts rule hits from the decision log's traces, so the figures cover every node and survive restarts, unlike
/// the process's own counters at /metrics.
/// </summary>
public static class RuleStatisticsReader
{
    public static async Task<RulesetStatistics> ReadAsync(IDecisionLog log, string ruleset, DateTimeOffset? from, DateTimeOffset? to, CancellationToken cancellationToken)
    {
        var versions = new Dictionary<string, (long Evaluations, List<string> Rules, Dictionary<string, long> Hits)>(StringComparer.Ordinal);
        await foreach (var record in log.ExportAsync(from, to, cancellationToken))
        {
            if (record.Kind == RecordKinds.Promotion) continue;
            using var response = JsonDocument.Parse(record.ResponseJson);
            if (!response.RootElement.TryGetProperty("trace", out var trace)) continue;
            foreach (var stage in trace.EnumerateArray())
            {
                if (stage.GetProperty("ruleset").GetString() != ruleset) continue;
                var version = stage.GetProperty("version").GetString()!;
                if (!versions.TryGetValue(version, out var counts)) counts = (0, [], new(StringComparer.Ordinal));
                counts.Evaluations++;
                foreach (var rule in stage.GetProperty("rules").EnumerateArray())
                {
                    var name = rule.GetProperty("rule").GetString()!;
                    if (!counts.Hits.ContainsKey(name))
                    {
                        counts.Rules.Add(name);
                        counts.Hits[name] = 0;
                    }
                    if (rule.GetProperty("fired").GetBoolean()) counts.Hits[name]++;
                }
                versions[version] = counts;
            }
        }
        return new RulesetStatistics(ruleset, from, to, versions.Values.Sum(v => v.Evaluations),
            [.. versions.Select(pair => new VersionStatistics(pair.Key, pair.Value.Evaluations,
                [.. pair.Value.Rules.Select(rule => new RuleStatistics(rule, pair.Value.Hits[rule], decimal.Round((decimal)pair.Value.Hits[rule] / pair.Value.Evaluations, 4)))]))]);
    }
}
