using System.Globalization;
using CreditDecision.Api.WebConsole;
using CreditDecision.Api.Finals;
using CreditDecision.Audit.Finals;
using CreditDecision.Audit.Log;
using CreditDecision.Audit.Recording;
using CreditDecision.Core.Contracts;
using CreditDecision.Core.Rules;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CreditDecision.Api.Pages.Console.Referrals;

/// <summary>One referral: what the engine saw and why it referred, and the form that records the final decision.</summary>
[Authorize(Policy = ConsoleExtensions.Policies.CreditOfficers)]
public sealed class DetailModel(IDecisionLog log, RulesHost rules, FinalDecisionRecorder recorder) : PageModel
{
    [BindProperty(SupportsGet = true)] public Guid Id { get; set; }

    public LogRecord? Record { get; private set; }
    public DecisionResponse? Decision { get; private set; }
    public IReadOnlyList<FinalDecision> Finals { get; private set; } = [];
    public FinalDecisionPolicy? Policy => rules.Current?.Find(Stage.Authority)?.Settings.FinalDecisions;

    public FinalDecision? Recorded { get; private set; }
    public FinalDecisionRefusal? Refusal { get; private set; }
    public IReadOnlyDictionary<string, string[]> Errors { get; private set; } = new Dictionary<string, string[]>();

    public Task OnGetAsync(CancellationToken cancellationToken) => LoadAsync(cancellationToken);

    public async Task OnPostAsync(
        string? outcome, string? approvedAmount, string? annualRate, string[]? conditions, string? overrideReason, string? note, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (outcome == FinalOutcomes.Decline)
        {
            // The form offers the engine's amount and rate for an approval; a decline lends nothing.
            (approvedAmount, annualRate) = (null, null);
        }
        var request = new FinalDecisionRequest
        {
            Outcome = outcome,
            ApprovedAmount = Number(approvedAmount, "approvedAmount", errors),
            AnnualRate = Number(annualRate, "annualRate", errors),
            Conditions = conditions ?? [],
            OverrideReason = string.IsNullOrEmpty(overrideReason) ? null : overrideReason,
            Note = string.IsNullOrWhiteSpace(note) ? null : note.Trim(),
        };
        if (errors.Count == 0)
        {
            var result = await recorder.RecordAsync(Id, request, FinalDecisionEndpoints.OfficerOf(User), new CallerContext(User.Identity!.Name!, HttpContext.TraceIdentifier), cancellationToken);
            (Recorded, Refusal) = (result.Recorded, result.Refusal);
            errors = result.Errors?.ToDictionary() ?? [];
        }
        Errors = errors;
        await LoadAsync(cancellationToken);
    }

    /// <summary>A form's number, read in the invariant culture; blank is none.</summary>
    private static decimal? Number(string? text, string field, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        if (decimal.TryParse(text.Trim(), NumberStyles.Number, CultureInfo.InvariantCulture, out var value)) return value;
        errors[field] = ["must be a number, e.g. 600000 or 0.0455"];
        return null;
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        if (await log.FindAsync(Id, cancellationToken) is not { Kind: RecordKinds.Decision } record) return;
        Record = record;
        Decision = FinalDecisionChecks.EngineDecision(record);
        Finals = [.. (await log.FindBySubjectAsync(RecordKinds.Final, Id.ToString("D"), cancellationToken))
            .Select(f => System.Text.Json.JsonSerializer.Deserialize<FinalDecision>(f.ResponseJson, ContractJson.Options)!)];
    }
}
