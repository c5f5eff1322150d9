using System.Security.Cryptography;
using CreditDecision.Core.Rules;
using Microsoft.Extensions.Options;

namespace CreditDecision.Api.Rules;

/// <summary>
/// Loads the rules folder at start, then follows it: a file watcher (debounced) and a periodic rescan, because
/// watchers miss events on some file systems and editors save by rename. The folder is reloaded only when its
/// content changed. A folder that fails validation never stops the service or replaces the live rules.
/// </summary>
public sealed partial class RulesActivation(RulesHost rules, IOptions<RulesOptions> options, ILogger<RulesActivation> logger)
    : IHostedService, IDisposable
{
    private readonly Lock _checkLock = new();
    private FileSystemWatcher? _watcher;
    private Timer? _rescan;
    private Timer? _debounce;
    private string? _lastFingerprint;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        CheckForChanges(force: true);
        if (Directory.Exists(rules.Directory))
        {
            _watcher = new FileSystemWatcher(rules.Directory, "*.json") { IncludeSubdirectories = false };
            _watcher.Changed += OnFileEvent;
            _watcher.Created += OnFileEvent;
            _watcher.Deleted += OnFileEvent;
            _watcher.Renamed += OnFileEvent;
            _watcher.EnableRaisingEvents = true;
        }
        _debounce = new Timer(_ => CheckForChanges(force: false));
        var interval = TimeSpan.FromSeconds(options.Value.RescanSeconds);
        _rescan = new Timer(_ => CheckForChanges(force: false), null, interval, interval);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _watcher?.Dispose();
        _rescan?.Dispose();
        _debounce?.Dispose();
    }

    /// <summary>Forces a reload now, whatever the folder's fingerprint.</summary>
    public RulesStatus ReloadNow() => CheckForChanges(force: true);

    private void OnFileEvent(object sender, FileSystemEventArgs e) =>
        _debounce?.Change(options.Value.DebounceMilliseconds, Timeout.Infinite);

    private RulesStatus CheckForChanges(bool force)
    {
        lock (_checkLock)
        {
            var fingerprint = Fingerprint(rules.Directory);
            if (!force && fingerprint == _lastFingerprint) return rules.Status;
            _lastFingerprint = fingerprint;

            var before = rules.Current;
            var status = rules.Reload();
            if (!status.IsValid)
            {
                foreach (var error in status.Errors) LogRefused(error.ToString());
            }
            else if (status.Active != before)
            {
                LogActivated(rules.Directory, status.Active!.Id, string.Join(", ", status.Active.AllVersionRefs.Select(v => $"{v.Name}@{v.Version[..12]}")));
            }
            return status;
        }
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Rules from {Directory} are live: snapshot {SnapshotId} ({Versions})")]
    private partial void LogActivated(string directory, string snapshotId, string versions);

    [LoggerMessage(Level = LogLevel.Error, Message = "Rule files refused, the last good rules keep serving: {Error}")]
    private partial void LogRefused(string error);
}
