namespace CreditDecision.Core.Portfolio;

/// <summary>
/// Holds the live portfolio version, read from one file. A replacement is checked completely and written to the
/// file (write then rename) before it goes live; an invalid one changes nothing.
/// </summary>
public sealed class PortfolioHost(string file)
{
    private readonly Lock _replaceLock = new();
    private volatile PortfolioSnapshot _current = PortfolioSnapshot.Empty;

    public string File { get; } = file;

    public PortfolioSnapshot Current => _current;

    /// <summary>Loads the file; a missing file means an empty book. Returns the errors of an invalid file (then nothing changes).</summary>
    public IReadOnlyDictionary<string, string[]> Load()
    {
        if (!System.IO.File.Exists(File)) return new Dictionary<string, string[]>();
        var (snapshot, errors) = PortfolioSnapshot.Parse(System.IO.File.ReadAllBytes(File));
        if (snapshot is not null) _current = snapshot;
        return errors;
    }

    /// <summary>Validates, stores and activates a new portfolio; returns the errors when it is refused.</summary>
    public (PortfolioSnapshot? Snapshot, IReadOnlyDictionary<string, string[]> Errors) Replace(byte[] content)
    {
        var (snapshot, errors) = PortfolioSnapshot.Parse(content);
        if (snapshot is null) return (null, errors);
        lock (_replaceLock)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(File))!);
            var temporary = File + "." + Guid.NewGuid().ToString("N") + ".tmp";
            System.IO.File.WriteAllBytes(temporary, content);
            System.IO.File.Move(temporary, File, overwrite: true);
            _current = snapshot;
        }
        return (snapshot, errors);
    }
}
