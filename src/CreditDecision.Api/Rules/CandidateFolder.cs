using CreditDecision.Core.Rules;

namespace CreditDecision.Api.Rules;

/// <summary>Candidate rules given as files (a backtest's, a draft's): compiled and their cases run in a folder of their own.</summary>
public static class CandidateFolder
{
    /// <summary>Writes the files to a temporary folder, compiles it and runs its cases; errors name the files as given.</summary>
    /// <param name="beforeLoad">Checks the folder as written before it is compiled (a cases file's own form, for instance).</param>
    public static (LoadResult Compiled, IReadOnlyList<RuleError> CaseFailures) Load(
        IReadOnlyDictionary<string, byte[]> files, Func<string, IReadOnlyList<RuleError>>? beforeLoad = null)
    {
        var folder = Directory.CreateTempSubdirectory("creditdecision-candidate-");
        try
        {
            foreach (var (name, content) in files) File.WriteAllBytes(Path.Combine(folder.FullName, name), content);
            if (beforeLoad?.Invoke(folder.FullName) is { Count: > 0 } refused) return (LoadResult.Failed(refused), []);
            var (compiled, caseFailures) = RulesDirectoryLoader.LoadCandidate(folder.FullName, TimeProvider.System);
            return (compiled with { Errors = RulesStatusResponse.RelativeTo(folder.FullName, compiled.Errors) },
                RulesStatusResponse.RelativeTo(folder.FullName, caseFailures));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>What two folders' rulesets differ by, in words (<see cref="RulesetDiff"/>), for files given by content.</summary>
    public static IReadOnlyList<RulesetChange> Diff(IReadOnlyDictionary<string, byte[]> before, IReadOnlyDictionary<string, byte[]> after)
    {
        var a = Directory.CreateTempSubdirectory("creditdecision-diff-");
        var b = Directory.CreateTempSubdirectory("creditdecision-diff-");
        try
        {
            foreach (var (name, content) in before) File.WriteAllBytes(Path.Combine(a.FullName, name), content);
            foreach (var (name, content) in after) File.WriteAllBytes(Path.Combine(b.FullName, name), content);
            return RulesetDiff.Compare(a.FullName, b.FullName);
        }
        finally
        {
            a.Delete(recursive: true);
            b.Delete(recursive: true);
        }
    }

    /// <summary>A plain file name ending in .json, as a rules folder's files are named.</summary>
    public static bool IsRuleFileName(string name) =>
        name.EndsWith(".json", StringComparison.Ordinal) && name.Length <= 100 && name == Path.GetFileName(name)
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');
}
