namespace CreditDecision.Core.Rules;

/// <summary>
/// Content-addressed store of every ruleset version that has gone live or run as the shadow challenger:
/// <c>{name}/{version}.json</c> holds the file exactly as it was activated. Versions never change once written, so a decision can be replayed with its
/// rules after the file in <c>rules/</c> was edited or deleted.
/// </summary>
public sealed class RulesetArchive(string directory)
{
    public string Directory { get; } = directory;

    public void Store(CompiledRuleset ruleset)
    {
        var path = PathOf(ruleset.Name, ruleset.Version);
        if (File.Exists(path)) return;
        System.IO.Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        // Write then rename, so a reader never sees a half-written version.
        var temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        File.WriteAllBytes(temporary, [.. ruleset.SourceContent]);
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>The activated file content of a version, or null when this archive never held it.</summary>
    public byte[]? Find(string name, string version) =>
        IsSafeName(name) && IsVersion(version) && File.Exists(PathOf(name, version)) ? File.ReadAllBytes(PathOf(name, version)) : null;

    /// <summary>Every archived version of a ruleset.</summary>
    public IReadOnlyList<string> Versions(string name) =>
        IsSafeName(name) && System.IO.Directory.Exists(System.IO.Path.Combine(Directory, name))
            ? [.. System.IO.Directory.EnumerateFiles(System.IO.Path.Combine(Directory, name), "*.json").Select(System.IO.Path.GetFileNameWithoutExtension).Order()!]
            : [];

    /// <summary>Every archived version of a ruleset with when this archive first stored it, newest first.</summary>
    public IReadOnlyList<ArchivedVersion> History(string name) =>
        [.. Versions(name).Select(version => new ArchivedVersion(version, new DateTimeOffset(File.GetLastWriteTimeUtc(PathOf(name, version)), TimeSpan.Zero)))
            .OrderByDescending(v => v.ArchivedAt)];

    private string PathOf(string name, string version) => System.IO.Path.Combine(Directory, name, version + ".json");

    private static bool IsSafeName(string name) =>
        name.Length is > 0 and <= 100 && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-');

    private static bool IsVersion(string version) =>
        version.Length == 64 && version.All(char.IsAsciiHexDigitLower);
}

/// <summary>One archived ruleset version.</summary>
public sealed record ArchivedVersion(string Version, DateTimeOffset ArchivedAt);
