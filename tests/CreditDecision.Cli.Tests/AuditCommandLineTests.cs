using System.Text.Json;
using CreditDecision.Audit.Log.Sql;
using CreditDecision.Audit.Log;
using CreditDecision.Audit.Recording;
using CreditDecision.Core.Contracts;
using CreditDecision.Core.Decisions;
using CreditDecision.Core.Portfolio;
using CreditDecision.Core.Rules;
using Microsoft.Data.Sqlite;

namespace CreditDecision.Cli.Tests;

/// <summary><c>replay</c>, <c>verify</c> and <c>backtest</c> of the CLI against a real SQLite decision log written by the recorder.</summary>
public sealed class AuditCommandLineTests : IDisposable
{
    private readonly TempDirectory _data = new();

    private string Connection => $"Data Source={Path.Combine(_data.Path, "decisions.db")}";

    public void Dispose() => _data.Dispose();

    private async Task<(int Exit, string Output)> Run(params string[] args)
    {
        using var output = new StringWriter();
        using var errors = new StringWriter();
        var exit = await CommandLine.RunAsync([.. args, "--log", "sqlite", "--connection", Connection], output, errors);
        return (exit, output.ToString() + errors);
    }

    private async Task<Guid> RecordAsync(string sample)
    {
        var rules = new RulesHost(RepoPaths.Rules, new RulesetArchive(Path.Combine(_data.Path, "archive")), TimeProvider.System);
        Assert.True(rules.Reload().IsValid);
        await using var log = new SqliteDecisionLog(Connection);
        await log.MigrateAsync(CancellationToken.None);
        await using var writer = new DecisionLogWriter(log);
        var portfolio = new PortfolioHost(RepoPaths.PortfolioFile);
        Assert.Empty(portfolio.Load());
        var recorder = new DecisionRecorder(new DecisionService(rules, portfolio, TimeProvider.System), log, writer);
        var application = JsonSerializer.Deserialize<LoanApplication>(RepoPaths.Sample(sample), ContractJson.Options)!;
        var decision = await recorder.DecideAsync(application, new CallerContext("cli-test", "req-1", null), CancellationToken.None);
        return decision.DecisionId;
    }

    [Fact]
    public async Task Performance_reads_decisions_and_outcomes_from_the_log_and_writes_the_html_report()
    {
        var defaulted = await RecordAsync("young-firm");
        await RecordAsync("healthy-manufacturer");
        await RecordAsync("cold-chain-equipment-loan");
        var rules = new RulesHost(RepoPaths.Rules, new RulesetArchive(Path.Combine(_data.Path, "archive")), TimeProvider.System);
        Assert.True(rules.Reload().IsValid);
        await using (var log = new SqliteDecisionLog(Connection))
        await using (var writer = new DecisionLogWriter(log))
        {
            var outcome = new LoanOutcome { DecisionId = defaulted, Event = OutcomeEvent.Default, Date = DateOnly.FromDateTime(DateTime.UtcNow) };
            var recorded = await new OutcomeRecorder(log, writer, TimeProvider.System).RecordAsync(outcome, rules.Current!, new CallerContext("cli-test", "req-2"), CancellationToken.None);
            Assert.NotNull(recorded.Recorded);
        }
        var html = Path.Combine(_data.Path, "performance.html");

        var (exit, output) = await Run("performance", "sme-rating", "--horizon-months", "0", "--html", html);

        Assert.Equal(0, exit);
        var report = JsonDocument.Parse(output).RootElement;
        Assert.Equal(3, report.GetProperty("decisions").GetInt64());
        Assert.Equal(1, report.GetProperty("defaults").GetInt64());
        var version = report.GetProperty("versions").EnumerateArray().Single();
        Assert.Equal(3, version.GetProperty("loans").GetInt64());
        Assert.Equal(1, version.GetProperty("defaults").GetInt64());
        Assert.Contains("id=\"roc-", await File.ReadAllTextAsync(html));
        Assert.Equal(2, (await Run("performance", "sme-rating", "--horizon-months", "100")).Exit);
    }

    [Fact]
    public async Task Replay_of_a_logged_decision_is_identical_and_against_edited_rules_shows_the_change()
    {
        var id = await RecordAsync("healthy-manufacturer");

        var (exit, output) = await Run("replay", id.ToString());
        Assert.Equal(0, exit);
        Assert.Contains($"identical: decision {id} replays exactly under recorded rules.", output);

        using var rules = RepoPaths.CopyOfRules();
        FileEdit.Replace(Path.Combine(rules.Path, "approval.json"), "\"minYearsInBusiness\": 2", "\"minYearsInBusiness\": 10");
        var (changedExit, changed) = await Run("replay", id.ToString(), "--against", "current", "--rules", rules.Path, "--portfolio", RepoPaths.PortfolioFile);
        Assert.Equal(1, changedExit);
        Assert.Contains("outcome approve -> refer", changed);
        Assert.Contains("\"path\": \"$.outcome\"", changed);
    }

    [Fact]
    public async Task Backtest_of_a_stricter_candidate_reports_the_migration_of_the_logged_decisions()
    {
        await RecordAsync("healthy-manufacturer");
        await RecordAsync("tax-arrears");
        using var candidate = RepoPaths.CopyOfRules();
        FileEdit.Replace(Path.Combine(candidate.Path, "approval.json"), "\"minYearsInBusiness\": 2", "\"minYearsInBusiness\": 10");

        var (exit, output) = await Run("backtest", candidate.Path, "--from", "2000-01-01", "--portfolio", RepoPaths.PortfolioFile);

        Assert.Equal(0, exit);
        var report = JsonDocument.Parse(output).RootElement;
        Assert.Equal(2, report.GetProperty("decisions").GetInt64());
        Assert.Equal(1, report.GetProperty("migration").GetProperty("approve").GetProperty("refer").GetInt64());
        Assert.Equal(1, report.GetProperty("migration").GetProperty("decline").GetProperty("decline").GetInt64());
        // The declined application now carries the referral reason too, beside its knock-out.
        Assert.Equal(2, report.GetProperty("newReasonCodes").GetProperty("REF_SHORT_TRADING_HISTORY").GetInt64());
    }

    [Fact]
    public async Task Backtest_reads_a_time_without_offset_as_utc_whatever_the_machine_time_zone()
    {
        await RecordAsync("healthy-manufacturer");
        var tool = new System.Diagnostics.ProcessStartInfo("dotnet")
        {
            ArgumentList =
            {
                Path.Combine(AppContext.BaseDirectory, "creditdecision.dll"), "backtest", RepoPaths.Rules,
                "--from", "2026-11-23T09:30:00", "--to", "2026-11-24", "--portfolio", RepoPaths.PortfolioFile, "--log", "sqlite", "--connection", Connection,
            },
            RedirectStandardOutput = true,
            Environment = { ["TZ"] = "Asia/Tokyo" },
        };
        using var process = System.Diagnostics.Process.Start(tool)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.Equal(0, process.ExitCode);
        var report = JsonDocument.Parse(output).RootElement;
        Assert.Equal("2026-11-23T09:30:00+00:00", report.GetProperty("from").GetString());
        Assert.Equal("2026-11-24T00:00:00+00:00", report.GetProperty("to").GetString());
    }

    [Fact]
    public async Task Backtest_refuses_a_period_the_service_refuses()
    {
        var (exit, output) = await Run("backtest", RepoPaths.Rules, "--from", "2026-11-24", "--to", "2026-11-23");
        Assert.Equal(2, exit);
        Assert.Contains("--to must be after '--from'", output);
        Assert.Equal(2, (await Run("backtest", RepoPaths.Rules, "--from", "next tuesday")).Exit);
    }

    [Fact]
    public async Task Verify_reports_intact_then_names_a_tampered_record()
    {
        await RecordAsync("healthy-manufacturer");
        var second = await RecordAsync("tax-arrears");

        var (exit, output) = await Run("verify");
        Assert.Equal(0, exit);
        Assert.Contains("intact: 2 record(s), head ", output);

        await using (var connection = new SqliteConnection(Connection + ";Pooling=false"))
        {
            await connection.OpenAsync();
            await using var tamper = connection.CreateCommand();
            tamper.CommandText = "UPDATE decisions SET outcome = 'approve' WHERE position = 2";
            Assert.Equal(1, await tamper.ExecuteNonQueryAsync());
        }
        var (brokenExit, broken) = await Run("verify");
        Assert.Equal(1, brokenExit);
        Assert.Contains($"broken: record 2 (decision {second}): its content does not match its hash", broken);
    }

    [Fact]
    public async Task Unknown_decisions_and_options_are_usage_errors()
    {
        await RecordAsync("young-firm");
        Assert.Equal(2, (await Run("replay", Guid.NewGuid().ToString())).Exit);
        Assert.Equal(2, (await Run("replay", "not-a-guid")).Exit);
        Assert.Equal(2, (await Run("verify", "--colour", "red")).Exit);
    }
}
