using System.Text.Json;
using CreditDecision.Audit.Backtests;
using CreditDecision.Audit.Log.Sql;
using CreditDecision.Audit.Performance;
using CreditDecision.Audit.Replay;
using CreditDecision.Core.Contracts;
using CreditDecision.Core.Decisions;
using CreditDecision.Core.Portfolio;
using CreditDecision.Core.Rules;
using CreditDecision.Core.Validation;

namespace CreditDecision.Cli;

/// <summary>
/// <c>replay</c> and <c>verify</c> against a decision log store. The store comes from <c>--log</c> and
/// <c>--connection</c>, else from the service's environment variables <c>DecisionLog__Provider</c> and
/// <c>DecisionLog__ConnectionString</c>, else the service's default SQLite file <c>data/decisions.db</c>.
/// </summary>
internal static class AuditCommands
{
    public const string DefaultConnection = "Data Source=data/decisions.db";

    public static async Task<int> ReplayAsync(string decisionId, IReadOnlyDictionary<string, string> options, TextWriter output, TextWriter errors)
    {
        if (!Guid.TryParse(decisionId, out var id)) return Usage(errors, $"'{decisionId}' is not a decision id (a GUID).");
        if (Unknown(options, "against", "rules", "portfolio", "log", "connection") is { } unknown) return Usage(errors, $"replay has no option --{unknown}.");
        await using var log = Open(options);
        var against = options.GetValueOrDefault("against");
        var rulesDirectory = options.GetValueOrDefault("rules", "rules");
        var portfolio = new PortfolioHost(options.GetValueOrDefault("portfolio", Path.Combine("portfolio", "portfolio.json")));
        if (portfolio.Load() is { Count: > 0 } invalid) return Usage(errors, $"{portfolio.File} is not a valid portfolio: {string.Join(", ", invalid.Keys)}");
        var replayer = new DecisionReplayer(log, archive: null,
            () => against == DecisionReplayer.Current ? RulesDirectoryLoader.Compile(rulesDirectory, TimeProvider.System).Snapshot : null,
            () => portfolio.Current);
        try
        {
            if (await replayer.ReplayAsync(id, against, CancellationToken.None) is not { } result)
            {
                return Usage(errors, $"The decision log holds no decision {id}.");
            }
            output.WriteLine(JsonSerializer.Serialize(result, Indented));
            output.WriteLine(result.Identical
                ? $"identical: decision {id} replays exactly under {result.Against} rules."
                : $"differs: {result.Differences.Count} field(s); outcome {result.RecordedOutcome} -> {result.ReplayedOutcome}.");
            return result.Identical ? 0 : 1;
        }
        catch (ReplayNotPossibleException ex)
        {
            errors.WriteLine($"error: {ex.Message}");
            return 1;
        }
    }

    public static async Task<int> BacktestAsync(string candidateDirectory, IReadOnlyDictionary<string, string> options, TextWriter output, TextWriter errors)
    {
        if (Unknown(options, "from", "to", "page", "page-size", "portfolio", "html", "log", "connection") is { } unknown) return Usage(errors, $"backtest has no option --{unknown}.");
        var (loaded, caseFailures) = RulesDirectoryLoader.LoadCandidate(candidateDirectory, TimeProvider.System);
        if (loaded.Snapshot is not { } candidate)
        {
            foreach (var error in loaded.Errors) errors.WriteLine(error);
            return Usage(errors, $"{candidateDirectory} does not compile; a candidate must pass every file check a live folder passes.");
        }
        var periodErrors = new Dictionary<string, string[]>();
        var period = Period.Parse(options.GetValueOrDefault("from"), options.GetValueOrDefault("to"), periodErrors, "--from", "--to");
        if (periodErrors.Count > 0) return Usage(errors, string.Join(" ", periodErrors.Select(error => $"{error.Key} {error.Value[0]}.")));
        var page = int.TryParse(options.GetValueOrDefault("page", "1"), out var p) && p > 0 ? p : 1;
        var pageSize = int.TryParse(options.GetValueOrDefault("page-size", "20"), out var size) ? Math.Clamp(size, 1, Backtester.MaxPageSize) : 20;
        var portfolio = new PortfolioHost(options.GetValueOrDefault("portfolio", Path.Combine("portfolio", "portfolio.json")));
        portfolio.Load();

        await using var log = Open(options);
        var replayer = new DecisionReplayer(log, archive: null, () => null, () => portfolio.Current);
        var report = await new Backtester(log, replayer).RunAsync(candidate, caseFailures, period.From, period.To, page, pageSize, CancellationToken.None);
        output.WriteLine(JsonSerializer.Serialize(report, Indented));
        if (options.TryGetValue("html", out var htmlFile)) await File.WriteAllTextAsync(htmlFile, BacktestHtml.Render(report));
        return 0;
    }

    /// <summary>The rating model's performance report, as <c>GET /models/{ruleset}/performance</c> gives it, with the default traffic-light thresholds.</summary>
    public static async Task<int> PerformanceAsync(string ruleset, IReadOnlyDictionary<string, string> options, TextWriter output, TextWriter errors)
    {
        if (Unknown(options, "from", "to", "horizon-months", "reference", "html", "log", "connection") is { } unknown) return Usage(errors, $"performance has no option --{unknown}.");
        var periodErrors = new Dictionary<string, string[]>();
        var (from, to) = Period.Parse(options.GetValueOrDefault("from"), options.GetValueOrDefault("to"), periodErrors, "--from", "--to");
        if (periodErrors.Count > 0) return Usage(errors, string.Join(" ", periodErrors.Select(error => $"{error.Key} {error.Value[0]}.")));
        if (!int.TryParse(options.GetValueOrDefault("horizon-months", "12"), out var horizon) || horizon is < 0 or > PerformanceReporter.MaxHorizonMonths)
        {
            return Usage(errors, $"--horizon-months takes a whole number of months from 0 to {PerformanceReporter.MaxHorizonMonths}.");
        }
        (DateTimeOffset, DateTimeOffset)? reference = null;
        if (options.TryGetValue("reference", out var interval))
        {
            var ends = interval.Split('/');
            var referenceErrors = new Dictionary<string, string[]>();
            var (start, end) = ends.Length == 2 ? Period.Parse(ends[0], ends[1], referenceErrors) : default;
            if (ends.Length != 2 || referenceErrors.Count > 0 || start is null || end is null)
            {
                return Usage(errors, "--reference takes an interval of two dates, e.g. 2025-01-01/2026-01-01, the second after the first.");
            }
            reference = (start!.Value, end!.Value);
        }

        await using var log = Open(options);
        var replayer = new DecisionReplayer(log, archive: null, () => null, () => PortfolioSnapshot.Empty);
        var report = await new PerformanceReporter(log, replayer, TimeProvider.System)
            .RunAsync(new PerformanceQuery(ruleset, from, to, horizon, reference), ValidationThresholds.Default, CancellationToken.None);
        output.WriteLine(JsonSerializer.Serialize(report, Indented));
        if (options.TryGetValue("html", out var htmlFile)) await File.WriteAllTextAsync(htmlFile, PerformanceHtml.Render(report));
        return 0;
    }

    public static async Task<int> VerifyAsync(IReadOnlyDictionary<string, string> options, TextWriter output, TextWriter errors)
    {
        if (Unknown(options, "log", "connection") is { } unknown) return Usage(errors, $"verify has no option --{unknown}.");
        await using var log = Open(options);
        var result = await log.VerifyAsync(CancellationToken.None);
        if (result.FirstBroken is { } broken)
        {
            output.WriteLine($"broken: record {broken.Position} (decision {broken.DecisionId?.ToString() ?? "-"}): {broken.Reason}");
            output.WriteLine($"{result.Records} record(s) before it verified.");
            return 1;
        }
        output.WriteLine($"intact: {result.Records} record(s), head {result.HeadHash}");
        return 0;
    }

    private static SqlDecisionLog Open(IReadOnlyDictionary<string, string> options) => DecisionLogStores.Open(
        options.GetValueOrDefault("log") ?? Environment.GetEnvironmentVariable("DecisionLog__Provider") ?? DecisionLogStores.Sqlite,
        options.GetValueOrDefault("connection") ?? Environment.GetEnvironmentVariable("DecisionLog__ConnectionString") ?? DefaultConnection);

    private static string? Unknown(IReadOnlyDictionary<string, string> options, params string[] known) =>
        options.Keys.FirstOrDefault(name => !known.Contains(name));

    private static readonly JsonSerializerOptions Indented = new(ContractJson.Options) { WriteIndented = true };

    private static int Usage(TextWriter errors, string message)
    {
        errors.WriteLine($"error: {message}");
        return 2;
    }
}
