namespace CreditDecision.Core.Rules;

/// <summary>
/// Holds the live ruleset snapshot. A reload builds and validates a complete new snapshot off to the side and
/// swaps one reference; decisions already running keep the snapshot they read. A failed reload changes nothing
/// but the reported status: the last good snapshot keeps serving.
/// </summary>
public sealed class RulesHost(string directory, RulesetArchive archive, TimeProvider clock)
{
    private readonly Lock _reloadLock = new();
    private volatile RulesetSnapshot? _current;
    private volatile RulesStatus _status = RulesStatus.NotLoaded;

    public string Directory { get; } = directory;

    public RulesetArchive Archive { get; } = archive;

    /// <summary>The live snapshot, or null when no valid rules have ever loaded.</summary>
    public RulesetSnapshot? Current => _current;

    /// <summary>The outcome of the latest load attempt.</summary>
    public RulesStatus Status => _status;

    /// <summary>Loads the folder; activates it when valid. Concurrent calls are serialized.</summary>
    public RulesStatus Reload()
    {
        lock (_reloadLock) return Apply(LoadFolder());
    }

    /// <summary>Activates a load of the folder when it is valid, and reports it either way, as <see cref="Reload"/> does.</summary>
    public RulesStatus Apply(LoadResult result)
    {
        lock (_reloadLock)
        {
            if (result.Snapshot is { } snapshot) Swap(snapshot);
            _status = new RulesStatus(clock.GetUtcNow(), result.Errors, _current);
            return _status;
        }
    }

    /// <summary>Compiles the folder as it is now, without activating it.</summary>
    public LoadResult LoadFolder() => RulesDirectoryLoader.Load(Directory, clock);

    /// <summary>Makes a snapshot compiled elsewhere live, as a valid reload of the folder would.</summary>
    public RulesStatus Activate(RulesetSnapshot snapshot)
    {
        lock (_reloadLock)
        {
            Swap(snapshot);
            _status = new RulesStatus(clock.GetUtcNow(), [], _current);
            return _status;
        }
    }

    private void Swap(RulesetSnapshot snapshot)
    {
        if (snapshot.Id == _current?.Id) return;
        foreach (var ruleset in snapshot.All) Archive.Store(ruleset);
        _current = snapshot;
    }
}

/// <summary>What the latest load attempt found.</summary>
/// <param name="AttemptedAt">When the folder was last read.</param>
/// <param name="Errors">Why the latest attempt was refused; empty when it went live.</param>
/// <param name="Active">The snapshot serving decisions after the attempt.</param>
public sealed record RulesStatus(DateTimeOffset? AttemptedAt, IReadOnlyList<RuleError> Errors, RulesetSnapshot? Active)
{
    public static readonly RulesStatus NotLoaded = new(null, [], null);

    public bool IsValid => AttemptedAt is not null && Errors.Count == 0;
}
