using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using CreditDecision.Api.Infrastructure;
using CreditDecision.Api.Models;
using CreditDecision.Audit.Log;
using CreditDecision.Audit.Recording;
using CreditDecision.Audit.Provisioning;
using CreditDecision.Core.Contracts;
using CreditDecision.Core.Decisions;
using CreditDecision.Core.Rules;
using Microsoft.Extensions.Options;

namespace CreditDecision.Api.Monitoring;

/// <summary>
/// Runs a monitoring batch: each loan is parsed, validated, reviewed and logged on its own, so one bad loan costs
/// only its own line. Results leave in input order and only once their log record is durable; at most
/// <see cref="InFlight"/> loans are between "read" and "written", so memory does not grow with the book.
/// </summary>
public sealed class MonitoringService(
    MonitoringRecorder recorder, RulesHost rules, OriginationResolver originations, ReviewDefaultRecorder defaults, IOptions<OutcomeOptions> outcomeOptions)
{
    public const int InFlight = 128;
    public const int MaxLineBytes = 64 * 1024;
    public const int MaxArrayItems = 1_000;

    /// <summary>The snapshot a whole run uses.</summary>
    public RulesetSnapshot Snapshot() => rules.Current ?? throw new RulesNotLoadedException(rules.Status);

    /// <summary>Reads NDJSON loans from <paramref name="input"/> and writes NDJSON lines to <paramref name="output"/>, the summary last.</summary>
    public async Task StreamAsync(PipeReader input, PipeWriter output, CallerContext context, CancellationToken cancellationToken)
    {
        var snapshot = Snapshot();
        var grades = MonitoringPipeline.Grades(snapshot).ToArray();
        var counter = new SummaryCounter(snapshot.Id);
        var pending = new Queue<Task<MonitoringLine>>();
        var sinceFlush = 0;

        async Task WriteOldestAsync()
        {
            var line = await pending.Dequeue();
            counter.Count(line);
            WriteLine(output, line);
            if (++sinceFlush >= 64 || pending.Count == 0)
            {
                sinceFlush = 0;
                await output.FlushAsync(cancellationToken);
            }
        }

        await foreach (var (number, content) in NdjsonLines.ReadAsync(input, MaxLineBytes, cancellationToken))
        {
            pending.Enqueue(content is null
                ? Task.FromResult(new MonitoringLine(number, Error: new LoanError($"The line is longer than {MaxLineBytes} bytes.")))
                : ReviewAsync(number, Parse(content.Value), grades, snapshot, context, cancellationToken));
            while (pending.Count >= InFlight || (pending.Count > 0 && pending.Peek().IsCompleted)) await WriteOldestAsync();
        }
        while (pending.Count > 0) await WriteOldestAsync();
        WriteLine(output, new MonitoringLine(Summary: counter.Summary()));
        await output.FlushAsync(cancellationToken);
    }

    /// <summary>Reviews the items of a JSON array; each item stands or fails alone.</summary>
    public async Task<MonitoringBatchResponse> ReviewAllAsync(IReadOnlyList<ReadOnlyMemory<byte>> items, CallerContext context, CancellationToken cancellationToken)
    {
        var snapshot = Snapshot();
        var grades = MonitoringPipeline.Grades(snapshot).ToArray();
        var counter = new SummaryCounter(snapshot.Id);
        var lines = new MonitoringLine[items.Count];
        var pending = new Queue<(int Index, Task<MonitoringLine> Line)>();
        for (var i = 0; i < items.Count; i++)
        {
            pending.Enqueue((i, ReviewAsync(i + 1, Parse(new ReadOnlySequence<byte>(items[i])), grades, snapshot, context, cancellationToken)));
            if (pending.Count >= InFlight) await FinishOldestAsync();
        }
        while (pending.Count > 0) await FinishOldestAsync();
        foreach (var line in lines) counter.Count(line);
        return new MonitoringBatchResponse([.. lines.Where(l => l.Result is not null)], [.. lines.Where(l => l.Error is not null)], counter.Summary());

        async Task FinishOldestAsync()
        {
            var (index, line) = pending.Dequeue();
            lines[index] = await line;
        }
    }

    private async Task<MonitoringLine> ReviewAsync(
        long number, (LoanReview? Review, LoanError? Error) parsed, string[] grades, RulesetSnapshot snapshot,
        CallerContext context, CancellationToken cancellationToken)
    {
        if (parsed.Error is not null) return new MonitoringLine(number, Error: parsed.Error);
        var invalid = ReviewValidator.Validate(parsed.Review!, grades);
        if (invalid.Count > 0) return new MonitoringLine(number, Error: new LoanError("The loan is not valid.", invalid));
        try
        {
            var origination = await originations.ResolveAsync(parsed.Review!, snapshot, cancellationToken);
            if (origination.Errors is { } unlinked) return new MonitoringLine(number, Error: new LoanError("The loan's origination cannot be read from the log.", unlinked));
            var queued = await recorder.ReviewAsync(parsed.Review!, snapshot, context, cancellationToken, origination.Origination);
            await queued.Durable;
            if (!outcomeOptions.Value.RecordDefaultsFromReviews) return new MonitoringLine(number, queued.Result);
            // After the review is durable, so the chain holds the evidence before the default it led to.
            var defaulted = await RecordDefaultAsync(parsed.Review!, origination.Origination, snapshot, context, cancellationToken);
            return defaulted.Error is null
                ? new MonitoringLine(number, queued.Result, DefaultRecorded: defaulted.OutcomeId)
                : new MonitoringLine(number, Error: defaulted.Error);
        }
        catch (RuleEvaluationException ex)
        {
            return new MonitoringLine(number, Error: new LoanError($"A rule could not be evaluated (ruleset '{ex.Ruleset}', rule '{ex.Rule}'); the loan was not reviewed."));
        }
        catch (DecisionLogUnavailableException)
        {
            return new MonitoringLine(number, Error: new LoanError("The decision log is unavailable; the loan was not reviewed. Send it again."));
        }
    }

    private async Task<(Guid? OutcomeId, LoanError? Error)> RecordDefaultAsync(
        LoanReview review, Origination? origination, RulesetSnapshot snapshot, CallerContext context, CancellationToken cancellationToken)
    {
        try
        {
            return ((await defaults.RecordAsync(review, origination, snapshot, context, cancellationToken))?.OutcomeId, null);
        }
        catch (DecisionLogUnavailableException)
        {
            return (null, DefaultNotRecorded);
        }
    }

    private static readonly LoanError DefaultNotRecorded = new(
        "The loan was reviewed and logged, but the decision log could not record the default outcome it crosses. Send the loan again.");

    private static (LoanReview?, LoanError?) Parse(ReadOnlySequence<byte> content)
    {
        try
        {
            var reader = new Utf8JsonReader(content, new JsonReaderOptions { MaxDepth = ContractJson.Options.MaxDepth });
            var review = JsonSerializer.Deserialize<LoanReview>(ref reader, ContractJson.Options);
            if (HasMore(ref reader)) return (null, ContentAfterTheLoan);
            return review is null ? (null, new LoanError("The line holds no loan.")) : (review, null);
        }
        catch (JsonException ex)
        {
            return (null, Describe(ex));
        }
    }

    private static readonly LoanError ContentAfterTheLoan = new("The loan could not be read.",
        new Dictionary<string, string[]> { ["body"] = ["has content after the loan: send one loan on each line"] });

    /// <summary>True when anything but whitespace follows the value just read.</summary>
    private static bool HasMore(ref Utf8JsonReader reader)
    {
        try
        {
            return reader.Read();
        }
        catch (JsonException)
        {
            return true;
        }
    }

    private static LoanError Describe(JsonException exception)
    {
        var (field, message) = JsonErrorDescriber.Describe(exception, typeof(LoanReview));
        return new LoanError("The loan could not be read.", new Dictionary<string, string[]> { [field] = [message] });
    }

    private static readonly byte[] Newline = "\n"u8.ToArray();

    private static void WriteLine(PipeWriter output, MonitoringLine line)
    {
        using (var writer = new Utf8JsonWriter(output, new JsonWriterOptions { Encoder = ContractJson.Options.Encoder }))
        {
            JsonSerializer.Serialize(writer, line, ContractJson.Options);
        }
        output.Write(Newline);
    }
}
