using CreditDecision.Api.Infrastructure;
using System.Text.Json.Nodes;
using CreditDecision.Api.WebConsole;
using CreditDecision.Api.Drafts;
using CreditDecision.Audit.Drafts;
using CreditDecision.Audit.Recording;
using CreditDecision.Core.Decisions;
using CreditDecision.Core.Rules;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CreditDecision.Api.Pages.Console.Drafts;

/// <summary>
/// One draft: its evidence for the current version, the forms and the raw editor of a file, and the four-eyes
/// actions. Every change goes through <see cref="PolicyDrafts"/>, as the API's does; refusals are shown beside the field.
/// </summary>
[Authorize(Policy = ConsoleExtensions.Policies.PolicyStaff)]
public sealed class DraftModel(PolicyDrafts drafts) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public Guid Id { get; set; }

    /// <summary>The file the forms and the raw editor show.</summary>
    [BindProperty(SupportsGet = true, Name = "file")]
    public string FileName { get; set; } = "approval.json";

    public DraftState State { get; private set; } = null!;
    public IReadOnlyList<RulesetChange> Changes { get; private set; } = [];
    public string FileContent { get; private set; } = "";
    public JsonObject? Ruleset { get; private set; }

    /// <summary>Errors by field: a parameter's name, <c>rule:{name}</c>, <c>parameters</c>, <c>raw</c>, or an action's name.</summary>
    public Dictionary<string, List<string>> Errors { get; } = new(StringComparer.Ordinal);

    public string? Done { get; private set; }

    /// <summary>The raw editor's text after a refused save, so nothing typed is lost.</summary>
    public string? RefusedContent { get; private set; }

    /// <summary>The form to add a rule as typed, after a refused save; empty otherwise.</summary>
    public NewRuleForm Typed { get; private set; } = NewRuleForm.Empty;

    /// <summary>The chosen file against the live rules' file of that name, line by line; null when they are the same.</summary>
    public SideBySideTable? AgainstLive { get; private set; }

    /// <summary>The cases of the current version: as run just now by <c>Run the cases</c>, else as run when it was saved.</summary>
    public IReadOnlyList<RuleError> CaseFailures => RunNow?.Failures ?? State.CaseFailures;

    /// <summary>The cases as run just now; null unless the page was asked to run them.</summary>
    public DraftCases? RunNow { get; private set; }

    public bool Editable => State.Draft.State == DraftStates.Editing;

    public IEnumerable<string> ErrorsOf(string field) => Errors.TryGetValue(field, out var errors) ? errors : [];

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken) ? Page() : NotFound();

    public Task<IActionResult> OnPostParametersAsync(Dictionary<string, string> parameters, CancellationToken cancellationToken) =>
        SaveFromFormAsync("parameters", ruleset => Collect(DraftForms.WithParameters(ruleset, parameters)), cancellationToken);

    public Task<IActionResult> OnPostScorecardAsync(Dictionary<string, string> points, CancellationToken cancellationToken) =>
        SaveFromFormAsync("scorecard", ruleset => Collect(DraftForms.WithScorecard(ruleset, points)), cancellationToken);

    public Task<IActionResult> OnPostScaleAsync(Dictionary<string, string> minScore, Dictionary<string, string> pd, CancellationToken cancellationToken) =>
        SaveFromFormAsync("scale", ruleset => Collect(DraftForms.WithScale(ruleset, minScore, pd)), cancellationToken);

    public Task<IActionResult> OnPostRuleAsync(string rule, string? expression, string? description, bool enabled, CancellationToken cancellationToken) =>
        SaveFromFormAsync($"rule:{rule}", ruleset => DraftForms.WithRule(ruleset, rule, expression ?? "", description ?? "", enabled), cancellationToken);

    public async Task<IActionResult> OnPostAddRuleAsync(NewRuleForm newRule, CancellationToken cancellationToken)
    {
        var result = await SaveFromFormAsync(NewRuleForm.Field, ruleset =>
        {
            var (properties, errors) = DraftForms.PropertiesFrom(
                DraftForms.StageOf(ruleset), newRule.Properties ?? new Dictionary<string, string>(), newRule.PropertiesJson);
            foreach (var (field, error) in errors) Add(NewRuleForm.Field, $"{field} {error}");
            return properties is null
                ? null
                : DraftForms.WithAddedRule(ruleset, new NewRule(
                    newRule.Name ?? "", newRule.Expression ?? "", newRule.Description ?? "", newRule.Enabled, newRule.Output, properties));
        }, cancellationToken);
        if (Errors.Count > 0) Typed = newRule;
        return result;
    }

    public Task<IActionResult> OnPostRemoveRuleAsync(string rule, CancellationToken cancellationToken) =>
        SaveFromFormAsync($"rule:{rule}", ruleset => DraftForms.WithoutRule(ruleset, rule), cancellationToken, $"Removed {rule} from");

    public Task<IActionResult> OnPostRunCasesAsync(CancellationToken cancellationToken) =>
        ActAsync("cases", async _ =>
        {
            RunNow = await drafts.RunCasesAsync(Id, cancellationToken);
            return RunNow.Passed
                ? $"Ran the cases of version {RunNow.Version} again: every case passes."
                : $"Ran the cases of version {RunNow.Version} again: {RunNow.Failures.Count} failing case(s) or gap(s).";
        }, cancellationToken);

    public async Task<IActionResult> OnPostRawAsync(string? content, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(cancellationToken)) return NotFound();
        await SaveAsync("raw", System.Text.Encoding.UTF8.GetBytes(content ?? ""), cancellationToken);
        if (Errors.Count > 0) RefusedContent = content;
        return Page();
    }

    public Task<IActionResult> OnPostBacktestAsync(DateOnly? from, DateOnly? to, CancellationToken cancellationToken) =>
        ActAsync("backtest", async caller =>
        {
            var (backtest, _) = await drafts.BacktestAsync(Id, At(from), At(to), caller.Caller, cancellationToken);
            return $"Backtested version {backtest.Version}: {backtest.Decisions:N0} logged decisions, {backtest.ChangedDecisions:N0} decided differently.";
        }, cancellationToken);

    public Task<IActionResult> OnPostSubmitAsync(string? rationale, CancellationToken cancellationToken) =>
        string.IsNullOrWhiteSpace(rationale)
            ? Refuse("submit", "Say why the policy should change.", cancellationToken)
            : ActAsync("submit", async caller =>
            {
                await drafts.SubmitAsync(Id, rationale.Trim(), caller.Caller, cancellationToken);
                return "Submitted for approval.";
            }, cancellationToken);

    public Task<IActionResult> OnPostReviewAsync(string? verdict, string? comment, CancellationToken cancellationToken) =>
        verdict == "reject" && string.IsNullOrWhiteSpace(comment)
            ? Refuse("review", "Say what must change to reject the draft.", cancellationToken)
            : ActAsync("review", async caller =>
            {
                await drafts.ReviewAsync(Id, verdict == "approve", string.IsNullOrWhiteSpace(comment) ? null : comment.Trim(), caller.Caller, cancellationToken);
                return verdict == "approve" ? "Approved." : "Rejected: back to its maker.";
            }, cancellationToken);

    public Task<IActionResult> OnPostShadowAsync(CancellationToken cancellationToken) =>
        ActAsync("promote", async _ =>
        {
            await drafts.ShadowAsync(Id, cancellationToken);
            return $"Live as the shadow challenger: version set {State.Version.SnapshotId[..12]}. Its report is on the Challenger page.";
        }, cancellationToken);

    public Task<IActionResult> OnPostPromoteAsync(CancellationToken cancellationToken) =>
        ActAsync("promote", async caller =>
        {
            var promoted = await drafts.PromoteAsync(Id, caller, cancellationToken);
            return $"Live: version set {promoted.SnapshotId[..12]} replaced {promoted.PreviousSnapshotId[..Math.Min(12, promoted.PreviousSnapshotId.Length)]}, recorded at chain position {promoted.Position}.";
        }, cancellationToken);

    private async Task<IActionResult> SaveFromFormAsync(string field, Func<JsonObject, byte[]?> edit, CancellationToken cancellationToken, string done = "Saved")
    {
        if (!await LoadAsync(cancellationToken)) return NotFound();
        if (Ruleset is null)
        {
            Add(field, $"{FileName} is not a ruleset: edit it in the raw editor.");
            return Page();
        }
        if (edit(Ruleset) is { } content) await SaveAsync(field, content, cancellationToken, done);
        else if (Errors.Count == 0) Add(field, "Nothing to save: the rule is not in this file.");
        return Page();
    }

    private async Task SaveAsync(string field, byte[] content, CancellationToken cancellationToken, string done = "Saved")
    {
        try
        {
            await drafts.SaveFileAsync(Id, FileName, content, CallerHeaders.Caller(HttpContext).Caller, cancellationToken);
            Done = $"{done} {FileName}.";
            await LoadAsync(cancellationToken);
        }
        catch (DraftFileRefusedException refused)
        {
            foreach (var error in refused.Errors) Add(field, Describe(error));
        }
        catch (DraftRefusedException refused)
        {
            Add(field, $"{refused.Title} {refused.Message}");
        }
    }

    private async Task<IActionResult> ActAsync(string action, Func<CallerContext, Task<string>> act, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(cancellationToken)) return NotFound();
        try
        {
            Done = await act(CallerHeaders.Caller(HttpContext));
        }
        catch (DraftRefusedException refused)
        {
            Add(action, $"{refused.Title} {refused.Message}");
        }
        catch (RuleEvaluationException ex)
        {
            Add(action, $"Rule {ex.Rule} of {ex.Ruleset} could not be evaluated for a logged decision: {ex.Reason}");
        }
        await LoadAsync(cancellationToken);
        return Page();
    }

    private async Task<IActionResult> Refuse(string action, string why, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(cancellationToken)) return NotFound();
        Add(action, why);
        return Page();
    }

    private async Task<bool> LoadAsync(CancellationToken cancellationToken)
    {
        try
        {
            State = await drafts.GetAsync(Id, cancellationToken);
        }
        catch (DraftRefusedException)
        {
            return false;
        }
        if (!State.Version.Files.ContainsKey(FileName)) FileName = State.Version.Files.Keys.Order(StringComparer.Ordinal).First();
        var content = State.Version.Files[FileName];
        FileContent = System.Text.Encoding.UTF8.GetString(content);
        Ruleset = DraftForms.Ruleset(content);
        Changes = drafts.ChangesAgainstLive(State.Version);
        var live = drafts.LiveFile(FileName) is { } liveContent ? DraftForms.LaidOut(liveContent) : "";
        var draft = DraftForms.LaidOut(content);
        AgainstLive = live == draft ? null : new SideBySideTable("Live", $"Draft version {State.Draft.Version}", SideBySide.AroundChanges(SideBySide.Of(live, draft), context: 3));
        return true;
    }

    /// <summary>A form's edited file, its unreadable fields noted beside them.</summary>
    private byte[]? Collect((byte[]? Content, Dictionary<string, string> Errors) edited)
    {
        foreach (var (field, error) in edited.Errors) Add(field, error);
        return edited.Content;
    }

    private void Add(string field, string error)
    {
        if (!Errors.TryGetValue(field, out var errors)) Errors[field] = errors = [];
        errors.Add(error);
    }

    private static string Describe(RuleError error) =>
        (error.Rule is null ? "" : $"Rule {error.Rule}: ") + error.Message + (error.Expression is null ? "" : $" (in {error.Expression})");

    private static DateTimeOffset? At(DateOnly? day) => day?.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
}

/// <summary>The form to add a rule, as posted.</summary>
/// <param name="Properties">The stage's property fields by name (<see cref="DraftForms.PropertiesOf"/>).</param>
/// <param name="PropertiesJson">The properties as one JSON object, for the stages without fields of their own.</param>
public sealed record NewRuleForm(
    string? Name, string? Expression, string? Description, bool Enabled, string? Output, Dictionary<string, string>? Properties, string? PropertiesJson)
{
    /// <summary>The key of the form's errors.</summary>
    public const string Field = "add-rule";

    public static NewRuleForm Empty { get; } = new(null, null, null, true, null, [], null);

    public string PropertyOf(string name) => Properties?.GetValueOrDefault(name) ?? "";
}
