using System.Text.Json;
using CreditDecision.Api.WebConsole;
using CreditDecision.Api.Security;
using CreditDecision.Audit.Log;
using CreditDecision.Core.Contracts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace CreditDecision.Api.Pages.Console;

/// <summary>The loan reviews of a period (each logged like a decision) summed by warning level, action, recovery phase, classification and stage.</summary>
[Authorize(Policy = ConsoleExtensions.Policies.RulesReaders)]
[EnableRateLimiting(RateLimits.LogScan)]
public sealed class MonitoringModel(IDecisionLog log) : PageModel
{
    [BindProperty(SupportsGet = true)] public DateOnly? From { get; set; }
    [BindProperty(SupportsGet = true)] public DateOnly? To { get; set; }

    public long Reviews { get; private set; }
    public SortedDictionary<string, long> ByLevel { get; } = new(StringComparer.Ordinal);
    public SortedDictionary<string, long> ByAction { get; } = new(StringComparer.Ordinal);
    public SortedDictionary<string, long> ByPhase { get; } = new(StringComparer.Ordinal);
    public SortedDictionary<string, long> ByClassification { get; } = new(StringComparer.Ordinal);
    public SortedDictionary<string, long> ByStage { get; } = new(StringComparer.Ordinal);

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        await foreach (var record in log.ExportAsync(ConsoleDates.StartOf(From), ConsoleDates.StartOf(To), cancellationToken))
        {
            if (record.Kind != RecordKinds.Monitoring) continue;
            var review = JsonSerializer.Deserialize<MonitoringResult>(record.ResponseJson, ContractJson.Options)!;
            Reviews++;
            Count(ByLevel, review.WarningLevel);
            Count(ByAction, review.RecommendedAction);
            Count(ByPhase, review.RecoveryPhase);
            // Reviews made by rules that did not classify or stage have neither.
            if (review.Classification is { } classification) Count(ByClassification, classification);
            if (review.Stage is { } stage) Count(ByStage, $"stage {stage}");
        }
    }

    private static void Count(SortedDictionary<string, long> counts, string key) => counts[key] = counts.GetValueOrDefault(key) + 1;
}
