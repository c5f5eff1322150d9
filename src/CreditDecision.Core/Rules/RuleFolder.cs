namespace CreditDecision.Core.Rules;

/// <summary>The JSON files of a rules folder (rulesets and their cases) as a whole: read together, replaced together.</summary>
public static class RuleFolder
{
    /// <summary>File name to content of every JSON file in the folder.</summary>
    public static IReadOnlyDictionary<string, byte[]> Read(string directory) =>
        Directory.Exists(directory)
            ? Directory.GetFiles(directory, "*.json").Order(StringComparer.Ordinal).ToDictionary(path => Path.GetFileName(path), File.ReadAllBytes, StringComparer.Ordinal)
            : new Dictionary<string, byte[]>(StringComparer.Ordinal);

    /// <summary>
    /// Makes the folder's JSON files exactly <paramref name="files"/>: each written to a temporary name that is not
    /// a rule file, then renamed over the old one, and JSON files not in the set deleted.
    /// </summary>
    public static void Replace(string directory, IReadOnlyDictionary<string, byte[]> files)
    {
        Directory.CreateDirectory(directory);
        foreach (var (name, content) in files)
        {
            var target = Path.Combine(directory, Path.GetFileName(name));
            var temporary = target + ".replacing";
            File.WriteAllBytes(temporary, content);
            File.Move(temporary, target, overwrite: true);
        }
        foreach (var path in Directory.GetFiles(directory, "*.json").Where(path => !files.ContainsKey(Path.GetFileName(path))))
        {
            File.Delete(path);
        }
    }
}
