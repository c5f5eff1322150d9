using System.ComponentModel.DataAnnotations;

namespace CreditDecision.Api.Rules;

/// <summary>Configuration section <c>Rules</c>. Relative paths are resolved against the content root.</summary>
public sealed class RulesOptions
{
    public const string Section = "Rules";

    /// <summary>Folder of rule files, watched for changes.</summary>
    [Required] public string Directory { get; set; } = "";

    /// <summary>Folder of the content-addressed archive of every ruleset version that went live.</summary>
    [Required] public string ArchiveDirectory { get; set; } = "";

    /// <summary>
    /// Folder of challenger rules, watched and validated like <see cref="Directory"/>; when set, every logged
    /// decision is also evaluated under them in the background and the result logged beside it. Empty: no challenger.
    /// </summary>
    public string? ChallengerDirectory { get; set; }

    /// <summary>Decisions waiting for the challenger; beyond this they are skipped (and counted), never waited for.</summary>
    [Range(1, 1_000_000)] public int ChallengerQueueCapacity { get; set; } = 10_000;

    /// <summary>How often the folder is rescanned in case the file watcher missed a change.</summary>
    [Range(0.1, 3600)] public double RescanSeconds { get; set; } = 1;

    /// <summary>Quiet time after a file event before reloading, so an editor's multi-step save is read once.</summary>
    [Range(0, 10_000)] public int DebounceMilliseconds { get; set; } = 300;
}
