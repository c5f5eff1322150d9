using System.Text.Json;
using CreditDecision.Audit.Challenger;
using CreditDecision.Audit.Log.Sql;
using CreditDecision.Core.Contracts;
using CreditDecision.Core.Decisions;
using CreditDecision.Core.Portfolio;
using CreditDecision.Core.Rules;

namespace CreditDecision.Audit.Tests;

/// <summary>The challenger's queue never makes the champion wait: beyond its capacity decisions are skipped and counted.</summary>
public sealed class ChallengerShadowTests : IDisposable
{
    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task A_full_queue_skips_and_counts_and_what_was_queued_is_evaluated_and_logged()
    {
        var rules = new RulesHost(RepoPaths.Rules, new RulesetArchive(Path.Combine(_data.Path, "archive")), TimeProvider.System);
        Assert.True(rules.Reload().IsValid);
        var portfolio = new PortfolioHost(RepoPaths.PortfolioFile);
        Assert.Empty(portfolio.Load());
        await using var log = new SqliteDecisionLog($"Data Source={Path.Combine(_data.Path, "decisions.db")}");
        await log.MigrateAsync(CancellationToken.None);
        var shadow = new ChallengerShadow(() => rules.Current, log, capacity: 2);
        var application = JsonSerializer.Deserialize<LoanApplication>(RepoPaths.Sample("healthy-manufacturer"), ContractJson.Options)!;
        var decisions = Enumerable.Range(0, 5).Select(_ => new DecisionService(rules, portfolio, TimeProvider.System).Decide(application)).ToList();

        // The loop is not running yet, so nothing leaves the queue: the first two wait, the other three are skipped at once.
        foreach (var decision in decisions) shadow.Offer(application, decision.Response, decision.Portfolio);
        Assert.Equal(new ChallengerCounters(5, 0, 3, 0, 0, 2, 2, null), shadow.Counters);

        var loop = shadow.RunAsync();
        shadow.Complete();
        await loop;
        Assert.Equal(new ChallengerCounters(5, 2, 3, 0, 0, 0, 2, null), shadow.Counters);
        // The challenger (here the same rules) decided the queued two exactly as the champion did; the trace is left to a replay.
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(_data.Path, "decisions.db")}");
        await connection.OpenAsync();
        await using var query = connection.CreateCommand();
        query.CommandText = "SELECT decision_id, response_json FROM challenger_results ORDER BY decision_id COLLATE BINARY";
        await using var reader = await query.ExecuteReaderAsync();
        var stored = new List<(string Id, string Json)>();
        while (await reader.ReadAsync()) stored.Add((reader.GetString(0), reader.GetString(1)));
        var expected = decisions.Take(2).Select(d => (Id: d.Response.DecisionId.ToString("D"), Json: JsonSerializer.Serialize(d.Response with { Trace = [] }, ContractJson.Options)));
        Assert.Equal(expected.OrderBy(d => d.Id, StringComparer.Ordinal), stored);
    }

    [Fact]
    public void Without_a_challenger_nothing_is_offered()
    {
        var shadow = new ChallengerShadow(challengerRules: null, new SqliteDecisionLog($"Data Source={Path.Combine(_data.Path, "unused.db")}"), capacity: 1);
        var application = JsonSerializer.Deserialize<LoanApplication>(RepoPaths.Sample("healthy-manufacturer"), ContractJson.Options)!;
        shadow.Offer(application, null!, null!);
        Assert.False(shadow.IsConfigured);
        Assert.Equal(0, shadow.Counters.Offered);
    }
}
