using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using CreditDecision.Api.Infrastructure;
using CreditDecision.Api.Monitoring;
using CreditDecision.Audit.Log;
using CreditDecision.Audit.Recording;
using CreditDecision.Core.Contracts;
using CreditDecision.Core.Decisions;
using CreditDecision.Core.Rules;

namespace CreditDecision.Api.Models;

/// <summary>One line of an NDJSON outcomes response: an outcome recorded, an error, or (last) the summary.</summary>
/// <param name="Line">Line number of the outcome in the request (1-based).</param>
public sealed record OutcomeLine(long? Line = null, RecordedOutcome? Result = null, LoanError? Error = null, OutcomeSummary? Summary = null);

/// <summary>Counts over a whole outcomes stream.</summary>
/// <param name="Lines">Outcomes read (recorded, duplicates and errors).</param>
/// <param name="Recorded">Outcomes new to the log.</param>
/// <param name="Duplicates">Outcomes the log already held (the same decision, event and date), not written again.</param>
public sealed record OutcomeSummary(long Lines, long Recorded, long Duplicates, long Failed);

/// <summary>
/// Reads outcomes, one at a time or as an NDJSON stream of any length: each line is parsed, checked and logged on its
/// own, and its answer leaves in input order once its record is durable. At most <see cref="InFlight"/> outcomes are
/// between "read" and "written", so a year of outcomes of a whole book streams in bounded memory.
/// </summary>
public sealed class OutcomeService(OutcomeRecorder recorder, RulesHost rules)
{
    public const int InFlight = 128;
    public const int MaxLineBytes = 4 * 1024;

    /// <summary>The live rules, logged with each outcome (their rating ruleset holds the default definition).</summary>
    public RulesetSnapshot Snapshot() => rules.Current ?? throw new RulesNotLoadedException(rules.Status);

    public async Task<OutcomeResult> RecordAsync(ReadOnlySequence<byte> content, CallerContext caller, CancellationToken cancellationToken)
    {
        var (outcome, error) = Parse(content);
        return outcome is null ? new OutcomeResult(null, error!.Errors) : await recorder.RecordAsync(outcome, Snapshot(), caller, cancellationToken);
    }

    public async Task StreamAsync(PipeReader input, PipeWriter output, CallerContext caller, CancellationToken cancellationToken)
    {
        var snapshot = Snapshot();
        var pending = new Queue<(Task<OutcomeLine> Line, OutcomeKey? Key)>();
        // The same outcome twice in one stream: the later line waits for the earlier, so the earlier is the one recorded.
        var sameOutcome = new Dictionary<OutcomeKey, Task<OutcomeLine>>();
        long lines = 0, recorded = 0, duplicates = 0, failed = 0;

        async Task WriteOldestAsync()
        {
            var (oldest, key) = pending.Dequeue();
            if (key is { } written && sameOutcome.TryGetValue(written, out var latest) && latest == oldest) sameOutcome.Remove(written);
            var line = await oldest;
            lines++;
            if (line.Result is null) failed++;
            else if (line.Result.Duplicate) duplicates++;
            else recorded++;
            WriteLine(output, line);
            if (lines % 64 == 0 || pending.Count == 0) await output.FlushAsync(cancellationToken);
        }

        await foreach (var (number, content) in NdjsonLines.ReadAsync(input, MaxLineBytes, cancellationToken))
        {
            if (content is null)
            {
                pending.Enqueue((Task.FromResult(new OutcomeLine(number, Error: new LoanError($"The line is longer than {MaxLineBytes} bytes."))), null));
            }
            else
            {
                var parsed = Parse(content.Value);
                OutcomeKey? key = parsed.Item1 is { } outcome ? new(outcome.DecisionId?.ToString("D") ?? outcome.ApplicationId, outcome.Event, outcome.Date) : null;
                var line = key is { } same && sameOutcome.TryGetValue(same, out var earlier)
                    ? AfterAsync(earlier, () => RecordLineAsync(number, parsed, snapshot, caller, cancellationToken))
                    : RecordLineAsync(number, parsed, snapshot, caller, cancellationToken);
                if (key is { } recordedAs) sameOutcome[recordedAs] = line;
                pending.Enqueue((line, key));
            }
            while (pending.Count >= InFlight || (pending.Count > 0 && pending.Peek().Line.IsCompleted)) await WriteOldestAsync();
        }
        while (pending.Count > 0) await WriteOldestAsync();
        WriteLine(output, new OutcomeLine(Summary: new OutcomeSummary(lines, recorded, duplicates, failed)));
        await output.FlushAsync(cancellationToken);
    }

    /// <summary>What makes two lines the same outcome: the decision (or application) named, the event and its date.</summary>
    private readonly record struct OutcomeKey(string? Subject, OutcomeEvent? Event, DateOnly? Date);

    private static async Task<OutcomeLine> AfterAsync(Task<OutcomeLine> earlier, Func<Task<OutcomeLine>> next)
    {
        await earlier;
        return await next();
    }

    private async Task<OutcomeLine> RecordLineAsync(
        long number, (LoanOutcome? Outcome, LoanError? Error) parsed, RulesetSnapshot snapshot, CallerContext caller, CancellationToken cancellationToken)
    {
        if (parsed.Outcome is null) return new OutcomeLine(number, Error: parsed.Error);
        try
        {
            var result = await recorder.RecordAsync(parsed.Outcome, snapshot, caller, cancellationToken);
            return result.Recorded is { } recorded
                ? new OutcomeLine(number, recorded)
                : new OutcomeLine(number, Error: new LoanError("The outcome is not valid.", result.Errors));
        }
        catch (DecisionLogUnavailableException)
        {
            return new OutcomeLine(number, Error: new LoanError("The decision log is unavailable; the outcome was not recorded. Send it again."));
        }
    }

    private static (LoanOutcome?, LoanError?) Parse(ReadOnlySequence<byte> content)
    {
        try
        {
            var reader = new Utf8JsonReader(content, new JsonReaderOptions { MaxDepth = ContractJson.Options.MaxDepth });
            var outcome = JsonSerializer.Deserialize<LoanOutcome>(ref reader, ContractJson.Options);
            if (reader.Read()) return (null, Unreadable("body", "has content after the outcome: send one outcome on each line"));
            return outcome is null ? (null, Unreadable("body", "must be an outcome object")) : (outcome, null);
        }
        catch (JsonException ex)
        {
            var (field, message) = JsonErrorDescriber.Describe(ex, typeof(LoanOutcome));
            return (null, Unreadable(field, message));
        }
    }

    private static LoanError Unreadable(string field, string message) =>
        new("The outcome could not be read.", new Dictionary<string, string[]> { [field] = [message] });

    private static readonly byte[] Newline = "\n"u8.ToArray();

    private static void WriteLine(PipeWriter output, OutcomeLine line)
    {
        using (var writer = new Utf8JsonWriter(output, new JsonWriterOptions { Encoder = ContractJson.Options.Encoder }))
        {
            JsonSerializer.Serialize(writer, line, ContractJson.Options);
        }
        output.Write(Newline);
    }
}
