using System.Text.Json;
using System.Text.RegularExpressions;
using CreditDecision.Audit.Backtests;
using CreditDecision.Core.Contracts;
using CreditDecision.Core.Decisions;
using CreditDecision.Core.Portfolio;
using CreditDecision.Core.Rules;

namespace CreditDecision.Cli;

/// <summary>
/// The policy staff's command-line tool, over the same core as the service: validate, test, diff, decide.
/// Exit codes: 0 success, 1 the rules or cases have errors, 2 wrong usage or unreadable input.
/// </summary>
public static partial class CommandLine
{
    private const string Usage = """
        Usage: creditdecision <command> [arguments]

          validate <rulesDir>                 every check a rules folder must pass to go live (files and cases)
          test <rulesDir>                     run the cases of every ruleset; pass/fail per case with the difference
          diff <rulesDirA> <rulesDirB>        rules added, removed and changed, per ruleset
          decide <rulesDir> <application.json> [--portfolio <file>]
                                              one decision offline, printed with its trace (an empty book without --portfolio)
          replay <decisionId> [--against current|<snapshotId>] [--rules <rulesDir>] [--portfolio <file>]
                                              re-evaluate a logged decision; exit 0 when identical, 1 when it differs
          verify                              walk the decision log's hash chain; exit 0 when intact, 1 when broken
          backtest <candidateDir> [--from <date>] [--to <date>] [--page N] [--page-size N] [--portfolio <file>] [--html <file>]
                                              re-decide the logged decisions of a period under candidate rules; JSON report
                                              (and a self-contained HTML report with charts)
          performance <ratingRuleset> [--from <date>] [--to <date>] [--horizon-months N] [--reference <from>/<to>] [--html <file>]
                                              the rating model against posted outcomes: discrimination, calibration by grade,
                                              stability and factors per ruleset version; JSON report (and HTML with charts)

        replay, verify, backtest and performance read the store named by --log sqlite|postgres and --connection "<connection string>",
        else by DecisionLog__Provider and DecisionLog__ConnectionString, else "Data Source=data/decisions.db".
        """;

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter errors)
    {
        try
        {
            return args switch
            {
                ["validate", var dir] => Validate(dir, output),
                ["test", var dir] => Test(dir, output),
                ["diff", var before, var after] => Diff(before, after, output),
                ["decide", var dir, var application] => Decide(dir, application, null, output, errors),
                ["decide", var dir, var application, "--portfolio", var portfolio] => Decide(dir, application, portfolio, output, errors),
                ["replay", var decision, .. var rest] when Options(rest) is { } options => await AuditCommands.ReplayAsync(decision, options, output, errors),
                ["verify", .. var rest] when Options(rest) is { } options => await AuditCommands.VerifyAsync(options, output, errors),
                ["backtest", var candidate, .. var rest] when Options(rest) is { } options => await AuditCommands.BacktestAsync(candidate, options, output, errors),
                ["performance", var ruleset, .. var rest] when Options(rest) is { } options => await AuditCommands.PerformanceAsync(ruleset, options, output, errors),
                _ => Fail(errors, Usage),
            };
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException or ArgumentException or System.Data.Common.DbException)
        {
            return Fail(errors, $"error: {ex.Message}");
        }
        catch (Exception ex) when (ex is RuleEvaluationException or CandidateRuleException)
        {
            errors.WriteLine($"error: {ex.Message}");
            return 1;
        }
    }

    /// <summary><c>--name value</c> pairs; null when anything else is there.</summary>
    private static Dictionary<string, string>? Options(string[] arguments)
    {
        if (arguments.Length % 2 != 0) return null;
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < arguments.Length; i += 2)
        {
            if (!arguments[i].StartsWith("--", StringComparison.Ordinal)) return null;
            options[arguments[i][2..]] = arguments[i + 1];
        }
        return options;
    }

    private static int Validate(string directory, TextWriter output)
    {
        var result = RulesDirectoryLoader.Load(directory, TimeProvider.System);
        foreach (var error in result.Errors) output.WriteLine(EditorLine(error));
        if (result.Snapshot is null)
        {
            output.WriteLine($"{result.Errors.Count} error(s): the folder would not go live.");
            return 1;
        }
        foreach (var ruleset in result.Snapshot.All)
        {
            output.WriteLine($"ok  {Path.GetFileName(ruleset.SourceFile),-20} {ruleset.Name,-20} {ruleset.Stage.WireName(),-14} {ruleset.Rules.Length,3} rules  {ruleset.Version}");
        }
        output.WriteLine("valid: the folder would go live.");
        return 0;
    }

    private static int Test(string directory, TextWriter output)
    {
        var compiled = RulesDirectoryLoader.Compile(directory, TimeProvider.System);
        if (compiled.Snapshot is not { } snapshot)
        {
            foreach (var error in compiled.Errors) output.WriteLine(EditorLine(error));
            output.WriteLine("The rule files do not compile; fix them before running cases.");
            return 1;
        }
        var (results, fileErrors) = RuleCaseRunner.Run(snapshot);
        foreach (var result in results)
        {
            output.WriteLine($"{(result.Passed ? "PASS" : "FAIL")}  {result.Ruleset}: {result.Case}");
            foreach (var difference in result.Differences) output.WriteLine($"        {difference}");
        }
        var errors = fileErrors.Concat(RuleCaseRunner.EvaluationErrors(results)).ToList();
        foreach (var error in errors) output.WriteLine(EditorLine(error));
        var gaps = RuleCaseRunner.Gaps(snapshot, results).ToList();
        foreach (var gap in gaps) output.WriteLine(EditorLine(gap));
        var failed = results.Count(r => !r.Passed);
        output.WriteLine($"{results.Count - failed} passed, {failed} failed{(gaps.Count > 0 ? $", {gaps.Count} untested (rules that never fire or stay silent, caps and rate limits that never bind)" : "")}");
        return failed > 0 || errors.Count > 0 || gaps.Count > 0 ? 1 : 0;
    }

    private static int Diff(string before, string after, TextWriter output)
    {
        var changes = RulesetDiff.Compare(before, after);
        if (changes.Count == 0)
        {
            output.WriteLine("No ruleset changed.");
            return 0;
        }
        foreach (var change in changes)
        {
            output.WriteLine($"{change.Ruleset}: {Short(change.VersionBefore)} -> {Short(change.VersionAfter)}");
            foreach (var line in change.Changes) output.WriteLine($"  {line}");
        }
        return 0;
    }

    private static int Decide(string directory, string applicationPath, string? portfolioFile, TextWriter output, TextWriter errors)
    {
        var load = RulesDirectoryLoader.Load(directory, TimeProvider.System);
        if (load.Snapshot is not { } snapshot)
        {
            foreach (var error in load.Errors) output.WriteLine(EditorLine(error));
            return 1;
        }
        var application = JsonSerializer.Deserialize<LoanApplication>(File.ReadAllBytes(applicationPath), ContractJson.Options)
            ?? throw new JsonException("the file holds no application");
        var invalid = ApplicationValidator.Validate(application);
        if (invalid.Count == 0) invalid = ApplicationValidator.ValidateGrades(application, MonitoringPipeline.Grades(snapshot));
        if (invalid.Count > 0)
        {
            foreach (var (field, messages) in invalid) errors.WriteLine($"{applicationPath}: {field} {string.Join(", ", messages)}");
            return 2;
        }
        var portfolio = new PortfolioHost(portfolioFile ?? "");
        if (portfolioFile is not null && portfolio.Load() is { Count: > 0 } bad)
        {
            foreach (var (field, messages) in bad) errors.WriteLine($"{portfolioFile}: {field} {string.Join(", ", messages)}");
            return 2;
        }
        var decision = DecisionPipeline.Evaluate(snapshot, portfolio.Current, application, Guid.Empty, DateTimeOffset.UnixEpoch);
        output.WriteLine(JsonSerializer.Serialize(decision, new JsonSerializerOptions(ContractJson.Options) { WriteIndented = true }));
        return 0;
    }

    /// <summary>An error as <c>file(line,column): error: message</c>, the form editors and CI logs link to the source.</summary>
    public static string EditorLine(RuleError error)
    {
        var line = LineOf(error);
        var where = string.Join(" ", new[] { error.Ruleset, error.Rule }.Where(p => p is not null));
        var expression = error.Expression is null ? "" : $" [{error.Expression}]";
        return $"{error.File}({line},1): error: {(where.Length > 0 ? where + ": " : "")}{error.Message}{expression}";
    }

    private static int LineOf(RuleError error)
    {
        var fromMessage = LineInMessage().Match(error.Message);
        if (fromMessage.Success) return int.Parse(fromMessage.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        if (error.Rule is null || !File.Exists(error.File)) return 1;
        var lines = File.ReadAllLines(error.File);
        var index = Array.FindIndex(lines, l => l.Contains($"\"{error.Rule}\"", StringComparison.Ordinal));
        return index + 1 > 0 ? index + 1 : 1;
    }

    private static string Short(string? version) => version is null ? "(absent)" : version[..12];

    private static int Fail(TextWriter errors, string message)
    {
        errors.WriteLine(message);
        return 2;
    }

    [GeneratedRegex(@"\(line (\d+)")]
    private static partial Regex LineInMessage();
}
