using System.Collections.Concurrent;
using System.Security.Cryptography;
using CreditDecision.Core.Rules;
using CreditDecision.Core.Telemetry;
using Microsoft.Extensions.Options;

namespace CreditDecision.Api.Rules;

/// <summary>
/// Loads the rules folder at start, then follows it: a file watcher (debounced) and a periodic rescan, because
/// watchers miss events on some file systems and editors save by rename. The folder is reloaded only when its
/// content changed. A folder that fails validation never stops the service or replaces the live rules.
/// Reloads run one at a time on a thread of their own: compiling a folder and running its cases takes a few
/// hundred milliseconds of CPU, which on the thread pool would hold back the requests being decided meanwhile.
/// </summary>
/// <param name="folder">Which folder this follows, as metrics name it: <c>champion</c> (the live rules) or <c>challenger</c>.</param>
public sealed partial class RulesFolderWatcher(
    RulesHost rules, IOptions<RulesOptions> options, ServiceMetrics metrics, ILogger<RulesFolderWatcher> logger, string folder = RulesFolderWatcher.Champion)
    : IHostedService, IDisposable
{
    public const string Champion = "champion";
    public const string Challenger = "challenger";

    private readonly BlockingCollection<Action> _requests = new();
    private Thread? _reloader;
    private int _disposed;
    private FileSystemWatcher? _watcher;
    private Timer? _rescan;
    private Timer? _debounce;
    private string? _lastFingerprint;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        CheckForChanges(force: true);
        _reloader = new Thread(ReloadLoop) { IsBackground = true, Name = "rules reloader" };
        _reloader.Start();
        if (Directory.Exists(rules.Directory))
        {
            _watcher = new FileSystemWatcher(rules.Directory, "*.json") { IncludeSubdirectories = false };
            _watcher.Changed += OnFileEvent;
            _watcher.Created += OnFileEvent;
            _watcher.Deleted += OnFileEvent;
            _watcher.Renamed += OnFileEvent;
            _watcher.EnableRaisingEvents = true;
        }
        _debounce = new Timer(_ => RequestCheck());
        var interval = TimeSpan.FromSeconds(options.Value.RescanSeconds);
        _rescan = new Timer(_ => RequestCheck(), null, interval, interval);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    /// <summary>Stops following the folder; safe to call more than once (the host stops, then disposes).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        _watcher?.Dispose();
        _rescan?.Dispose();
        _debounce?.Dispose();
        _requests.CompleteAdding();
        _reloader?.Join();
    }

    /// <summary>
    /// Raised on the reloader thread when this node's own folder (a file change, a reload, a replacement) is about to
    /// put a new version set live, just before the swap; not for sets adopted with <see cref="AdoptAsync"/>.
    /// </summary>
    public event Action<RulesetSnapshot>? GoingLive;

    /// <summary>Makes a version set compiled elsewhere (the cluster's) live, in turn with the folder's reloads.</summary>
    public Task<RulesStatus> AdoptAsync(RulesetSnapshot snapshot) => OnReloader(() =>
    {
        var status = rules.Activate(snapshot);
        PublishActive();
        return status;
    });

    /// <summary>Forces a reload now, whatever the folder's fingerprint; completes when it is done.</summary>
    public Task<RulesStatus> ReloadNowAsync() => OnReloader(() => CheckForChanges(force: true));

    /// <summary>
    /// Replaces every rule file of the folder with <paramref name="files"/> and makes them live in one swap, provided
    /// they compile to the snapshot <paramref name="expectedSnapshotId"/>; otherwise puts the folder back as it was
    /// and throws <see cref="RulesReplacementException"/>. Runs on the reloader thread, so no reload ever reads the
    /// folder half-written. Returns the files it replaced.
    /// </summary>
    public Task<IReadOnlyDictionary<string, byte[]>> ReplaceFilesAsync(IReadOnlyDictionary<string, byte[]> files, string expectedSnapshotId) =>
        OnReloader(() =>
        {
            var previous = RuleFolder.Read(rules.Directory);
            try
            {
                RuleFolder.Replace(rules.Directory, files);
                var loaded = rules.LoadFolder();
                if (loaded.Snapshot?.Id != expectedSnapshotId)
                {
                    throw new RulesReplacementException(loaded.Snapshot is { } other
                        ? $"The files compile to snapshot {other.Id}, not {expectedSnapshotId}."
                        : $"The files do not load: {string.Join("; ", loaded.Errors)}");
                }
                GoingLive?.Invoke(loaded.Snapshot);
                rules.Activate(loaded.Snapshot);
                PublishActive();
                _lastFingerprint = Fingerprint(rules.Directory);
                LogReplaced(rules.Directory, expectedSnapshotId);
                return previous;
            }
            catch
            {
                RuleFolder.Replace(rules.Directory, previous);
                throw;
            }
        });

    private void PublishActive()
    {
        if (folder == Champion) metrics.SetActiveRules(rules.Current);
    }

    private Task<T> OnReloader<T>(Func<T> work)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        _requests.Add(() =>
        {
            try
            {
                done.SetResult(work());
            }
            catch (Exception ex)
            {
                done.SetException(ex);
            }
        });
        return done.Task;
    }

    private void RequestCheck()
    {
        try
        {
            _requests.TryAdd(() =>
            {
                try
                {
                    CheckForChanges(force: false);
                }
                catch (Exception ex)
                {
                    // The live rules stay; the next file event or rescan tries again.
                    LogCheckFailed(ex);
                }
            });
        }
        catch (InvalidOperationException)
        {
            // Stopping: a timer fired after the reloader finished.
        }
    }

    private void ReloadLoop()
    {
        foreach (var request in _requests.GetConsumingEnumerable()) request();
    }

    private void OnFileEvent(object sender, FileSystemEventArgs e) =>
        _debounce?.Change(options.Value.DebounceMilliseconds, Timeout.Infinite);

    /// <summary>Called at start and then only from the reloader thread, so never twice at once.</summary>
    private RulesStatus CheckForChanges(bool force)
    {
        var fingerprint = Fingerprint(rules.Directory);
        if (!force && fingerprint == _lastFingerprint) return rules.Status;
        _lastFingerprint = fingerprint;

        var before = rules.Current;
        var loaded = rules.LoadFolder();
        if (loaded.Snapshot is { } next && next.Id != before?.Id) GoingLive?.Invoke(next);
        var status = rules.Apply(loaded);
        var result = !status.IsValid ? "refused" : status.Active != before ? "activated" : "unchanged";
        metrics.RulesReloads.Add(1, new("folder", folder), new("result", result));
        if (!status.IsValid)
        {
            foreach (var error in status.Errors) LogRefused(error.ToString());
        }
        else if (status.Active != before)
        {
            LogActivated(rules.Directory, status.Active!.Id, string.Join(", ", status.Active.AllVersionRefs.Select(v => $"{v.Name}@{v.Version[..12]}")));
        }
        PublishActive();
        return status;
    }

    /// <summary>SHA-256 over the names and contents of the folder's JSON files; changes when any file does.</summary>
    private static string Fingerprint(string directory)
    {
        if (!Directory.Exists(directory)) return "";
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        string[] files;
        try
        {
            files = Directory.GetFiles(directory, "*.json");
        }
        catch (DirectoryNotFoundException)
        {
            return "";
        }
        foreach (var path in files.Order(StringComparer.Ordinal))
        {
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes(Path.GetFileName(path) + "\n"));
            try
            {
                hash.AppendData(File.ReadAllBytes(path));
            }
            catch (IOException)
            {
                // Being written right now: the next event or rescan reads it whole.
                hash.AppendData([0]);
            }
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Checking the rules folder failed; the live rules stay")]
    private partial void LogCheckFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Rules from {Directory} are live: snapshot {SnapshotId} ({Versions})")]
    private partial void LogActivated(string directory, string snapshotId, string versions);

    [LoggerMessage(Level = LogLevel.Information, Message = "Rule files of {Directory} replaced; snapshot {SnapshotId} is live")]
    private partial void LogReplaced(string directory, string snapshotId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Rule files refused, the last good rules keep serving: {Error}")]
    private partial void LogRefused(string error);
}

/// <summary>Replacement rule files were refused; the folder and the live rules are as they were.</summary>
public sealed class RulesReplacementException(string message) : Exception(message);
