using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using CreditDecision.Core.Contracts;

namespace CreditDecision.Core.Rules;

/// <summary>
/// One immutable set of active rulesets, one per stage. A decision reads the snapshot once and uses it for all
/// its stages, so a reload never mixes versions within a decision.
/// </summary>
public sealed class RulesetSnapshot
{
    public RulesetSnapshot(IEnumerable<CompiledRuleset> rulesets, DateTimeOffset loadedAt)
    {
        ByStage = rulesets.ToImmutableDictionary(r => r.Stage);
        _byStageIndex = new CompiledRuleset?[Enum.GetValues<Stage>().Length];
        foreach (var (stage, ruleset) in ByStage) _byStageIndex[(int)stage] = ruleset;
        InDecisionOrder = [.. Stages.DecisionOrder.Where(ByStage.ContainsKey).Select(s => ByStage[s])];
        All = [.. Stages.All.Where(ByStage.ContainsKey).Select(s => ByStage[s])];
        VersionRefs = [.. InDecisionOrder.Select(r => r.ToVersionRef())];
        AllVersionRefs = [.. All.Select(r => r.ToVersionRef())];
        Id = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
            string.Join("\n", AllVersionRefs.Select(v => $"{v.Stage}:{v.Name}:{v.Version}")))));
        LoadedAt = loadedAt;
    }

    public ImmutableDictionary<Stage, CompiledRuleset> ByStage { get; }
    /// <summary>The rulesets a decision runs, in order.</summary>
    public ImmutableArray<CompiledRuleset> InDecisionOrder { get; }

    /// <summary>Every ruleset of the snapshot: the decision stages, then monitoring.</summary>
    public ImmutableArray<CompiledRuleset> All { get; }

    /// <summary>The versions a decision reports: those of <see cref="InDecisionOrder"/>.</summary>
    public ImmutableArray<RulesetVersionRef> VersionRefs { get; }

    /// <summary>The versions of <see cref="All"/>: what the decision log keeps to rebuild the snapshot.</summary>
    public ImmutableArray<RulesetVersionRef> AllVersionRefs { get; }

    /// <summary>SHA-256 over the stage, name and version of every ruleset: names the whole set.</summary>
    public string Id { get; }

    public DateTimeOffset LoadedAt { get; }

    public CompiledRuleset this[Stage stage] =>
        _byStageIndex[(int)stage] ?? throw new KeyNotFoundException($"The snapshot has no ruleset for stage '{stage.WireName()}'.");

    /// <summary>The ruleset of a stage the snapshot may lack (one added after some logged version sets were made).</summary>
    public CompiledRuleset? Find(Stage stage) => _byStageIndex[(int)stage];

    // Read on every stage of every decision: an array is faster than the dictionary and holds the same rulesets.
    private readonly CompiledRuleset?[] _byStageIndex;
}
