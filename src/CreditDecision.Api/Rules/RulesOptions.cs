using System.ComponentModel.DataAnnotations;

namespace CreditDecision.Api.Rules;

/// <summary>Configuration section <c>Rules</c>.</summary>
public sealed class RulesOptions
{
    public const string Section = "Rules";

    /// <summary>Folder of rule files; relative paths are resolved against the content root.</summary>
    [Required] public string Directory { get; set; } = "";
}
