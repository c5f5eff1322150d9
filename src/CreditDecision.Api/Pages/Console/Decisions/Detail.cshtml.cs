using System.Text.Json.Nodes;
using System.Text.Json;
using CreditDecision.Api.WebConsole;
using CreditDecision.Audit.Log;
using CreditDecision.Audit.Replay;
using CreditDecision.Core.Contracts;
using CreditDecision.Core.Rules;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc;

namespace CreditDecision.Api.Pages.Console.Decisions;

[Authorize(Policy = ConsoleExtensions.Policies.Auditors)]
public sealed class DetailModel(IDecisionLog log, DecisionReplayer replayer) : PageModel
{
    [BindProperty(SupportsGet = true)] public Guid Id { get; set; }

    public LogRecord? Record { get; private set; }
    public DecisionResponse? Decision { get; private set; }
    public IReadOnlyList<(string Path, string Value)> ApplicationFields { get; private set; } = [];
    public ReplayResult? Replay { get; private set; }

    /// <summary>The final decisions credit officers recorded on this decision, oldest first.</summary>
    public IReadOnlyList<FinalDecision> Finals { get; private set; } = [];
    public string? ReplayError { get; private set; }
    private RulesetSnapshot? _snapshot;

    public Task OnGetAsync(CancellationToken cancellationToken) => LoadAsync(cancellationToken);

    public async Task OnPostReplayAsync(string? against, CancellationToken cancellationToken)
    {
        await LoadAsync(cancellationToken);
        if (Record is null) return;
        try
        {
            Replay = await replayer.ReplayAsync(Id, against == DecisionReplayer.Current ? DecisionReplayer.Current : DecisionReplayer.Recorded, cancellationToken);
        }
        catch (ReplayNotPossibleException ex)
        {
            ReplayError = ex.Message;
        }
    }

    /// <summary>The rule as its ruleset version says it: expression and the reasoning in its description.</summary>
    public CompiledRule? RuleSource(string ruleset, string rule) =>
        _snapshot?.All.FirstOrDefault(r => r.Name == ruleset)?.Rules.FirstOrDefault(r => r.Name == rule);

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        Record = await log.FindAsync(Id, cancellationToken);
        if (Record is not { Kind: RecordKinds.Decision } record)
        {
            Record = null;
            return;
        }
        Decision = JsonSerializer.Deserialize<DecisionResponse>(record.ResponseJson, ContractJson.Options);
        Finals = [.. (await log.FindBySubjectAsync(RecordKinds.Final, Id.ToString("D"), cancellationToken))
            .Select(f => JsonSerializer.Deserialize<FinalDecision>(f.ResponseJson, ContractJson.Options)!)];
        ApplicationFields = [.. Flatten(JsonNode.Parse(record.RequestJson), "")];
        try
        {
            _snapshot = await replayer.SnapshotAsync(record.SnapshotId, cancellationToken);
        }
        catch (ReplayNotPossibleException)
        {
            // The trace still shows which rules fired; only their expressions and descriptions are missing.
        }
    }

    private static IEnumerable<(string Path, string Value)> Flatten(JsonNode? node, string path) => node switch
    {
        JsonObject o => o.SelectMany(p => Flatten(p.Value, path.Length == 0 ? p.Key : $"{path}.{p.Key}")),
        JsonArray a => a.SelectMany((item, i) => Flatten(item, $"{path}[{i}]")),
        null => [(path, "null")],
        _ => [(path, node.ToJsonString().Trim('"'))],
    };
}
