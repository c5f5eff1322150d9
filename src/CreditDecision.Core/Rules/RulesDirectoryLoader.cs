namespace CreditDecision.Core.Rules;

/// <summary>
/// Loads every rule file of a folder (<c>*.json</c> at its top level; cases files excluded) into a snapshot,
/// or reports every error found. Nothing goes live unless every file compiles and every case passes.
/// </summary>
public static class RulesDirectoryLoader
{
    public const string CasesSuffix = ".cases.json";

    /// <summary>
    /// Compiles the folder and runs its cases: the full check a version passes before it goes live, including that the
    /// cases make every rule fire and stay silent and every cap and rate limit bind.
    /// </summary>
    public static LoadResult Load(string directory, TimeProvider clock)
    {
        var (compiled, caseFailures) = LoadCandidate(directory, clock);
        return caseFailures.Count > 0 ? LoadResult.Failed(caseFailures) : compiled;
    }

    /// <summary>
    /// Compiles a folder and runs its cases without requiring them to pass: a draft policy is backtested before its
    /// cases are brought up to date, and the cases it breaks (or the rules, caps and rate limits they no longer
    /// exercise) are part of what a risk committee reviews.
    /// </summary>
    /// <remarks>A rule that cannot be evaluated for some case refuses the folder here too: it is broken, whatever the cases expected.</remarks>
    public static (LoadResult Compiled, IReadOnlyList<RuleError> CaseFailures) LoadCandidate(string directory, TimeProvider clock)
    {
        var compiled = Compile(directory, clock);
        if (compiled.Snapshot is not { } snapshot) return (compiled, []);
        IReadOnlyList<CaseResult> results;
        IReadOnlyList<RuleError> fileErrors;
        try
        {
            (results, fileErrors) = RuleCaseRunner.Run(snapshot);
        }
        catch (Exception ex)
        {
            // The cases run content written outside the service; nothing they do may stop it from serving its last good rules.
            return (LoadResult.Failed(new RuleError(directory, null, null, null, $"running the cases failed: {ex.Message}")), []);
        }
        var evaluationErrors = RuleCaseRunner.EvaluationErrors(results);
        if (evaluationErrors.Count > 0) return (LoadResult.Failed(evaluationErrors), []);
        return (compiled, [.. fileErrors, .. RuleCaseRunner.Failures(results), .. RuleCaseRunner.Gaps(snapshot, results)]);
    }

    /// <summary>Compiles every rule file of the folder into a candidate snapshot, without running the cases.</summary>
    public static LoadResult Compile(string directory, TimeProvider clock)
    {
        string[] files;
        try
        {
            files = [.. RuleFiles(directory)];
        }
        catch (DirectoryNotFoundException)
        {
            return LoadResult.Failed(new RuleError(directory, null, null, null, "the rules folder does not exist"));
        }

        var errors = new List<RuleError>();
        var rulesets = new List<CompiledRuleset>();
        var budget = new CompileBudget();
        foreach (var path in files)
        {
            if (ReadFile(path, errors) is not { } content) continue;
            var result = RulesetCompiler.Compile(path, content, budget);
            errors.AddRange(result.Errors);
            if (result.Ruleset is not null) rulesets.Add(result.Ruleset);
        }

        foreach (var duplicate in rulesets.GroupBy(r => r.Stage).Where(g => g.Count() > 1))
        {
            errors.Add(new RuleError(directory, null, null, null,
                $"more than one ruleset for stage '{duplicate.Key.WireName()}': {string.Join(", ", duplicate.Select(r => Path.GetFileName(r.SourceFile)))}"));
        }
        foreach (var duplicate in rulesets.GroupBy(r => r.Name).Where(g => g.Count() > 1))
        {
            errors.Add(new RuleError(directory, duplicate.Key, null, null,
                $"WorkflowName '{duplicate.Key}' is used by more than one file: {string.Join(", ", duplicate.Select(r => Path.GetFileName(r.SourceFile)))}"));
        }
        foreach (var ruleset in rulesets) errors.AddRange(CurrentFormat.Check(ruleset));
        errors.AddRange(Provisioning.ProvisioningCheck.Check(rulesets));
        var stagesWithFileErrors = errors.Count > 0;
        foreach (var missing in Stages.All.Where(s => rulesets.All(r => r.Stage != s)))
        {
            if (!stagesWithFileErrors)
            {
                errors.Add(new RuleError(directory, null, null, null, $"no ruleset for stage '{missing.WireName()}'"));
            }
        }

        return errors.Count > 0
            ? LoadResult.Failed([.. errors])
            : new LoadResult(new RulesetSnapshot(rulesets, clock.GetUtcNow()), []);
    }

    /// <summary>
    /// A file's bytes, or null with an error when it cannot be read: files are edited, renamed and deleted while
    /// a reload runs, and that must refuse the reload, never take the service down.
    /// </summary>
    private static byte[]? ReadFile(string path, List<RuleError> errors)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            errors.Add(new RuleError(path, null, null, null, $"the file could not be read: {ex.Message}"));
            return null;
        }
    }

    /// <summary>The rule files of a folder in a stable order.</summary>
    public static IEnumerable<string> RuleFiles(string directory) =>
        Directory.GetFiles(directory, "*.json", SearchOption.TopDirectoryOnly)
            .Where(path => !path.EndsWith(CasesSuffix, StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal);
}

/// <summary>A snapshot, or the errors that prevented one.</summary>
public sealed record LoadResult(RulesetSnapshot? Snapshot, IReadOnlyList<RuleError> Errors)
{
    public static LoadResult Failed(params IReadOnlyList<RuleError> errors) => new(null, errors);
}

/// <summary>
/// Forms that files written before a change of the format may still hold, and that archived versions keep so that
/// their decisions replay, but that a new version may not use. Checked when a folder is loaded, not when an archived
/// version is compiled for a replay.
/// </summary>
internal static class CurrentFormat
{
    public static IEnumerable<RuleError> Check(CompiledRuleset ruleset)
    {
        if (ruleset.Stage == Stage.Rating && ruleset.Settings.Grades is { Length: > 0 } grades
            && grades[ruleset.Settings.ScoredGradeCount - 1] is { MinScore: not null } open)
        {
            yield return new RuleError(ruleset.SourceFile, ruleset.Name, null, null,
                $"Settings.Grades: '{open.Grade}' is the last scored grade and takes every lower score; remove its MinScore so that the file says so");
        }
    }
}
