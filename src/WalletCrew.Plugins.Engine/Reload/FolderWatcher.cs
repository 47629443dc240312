using Microsoft.Extensions.Logging;

namespace WalletCrew.Plugins.Engine.Reload;

/// <summary>
/// Watches a folder and, once it has been quiet for the debounce period, reports which of its entries changed (the first
/// segment of each changed path, so a tenants root reports tenant folders). Reports run one at a time, in order.
/// When the file system stops delivering events (an overflowed queue, a watcher that cannot start) it reports that
/// anything may have changed and polls from then on; it polls from the start when given an interval. Callers compare
/// content, so a report that names too much is safe and one that names too little is the only failure.
/// </summary>
internal sealed class FolderWatcher : IDisposable
{
    private readonly string _directory;
    private readonly FileSystemWatcher? _watcher;
    private readonly ITimer _debounce;
    private readonly TimeSpan _quiet;
    private readonly Func<IReadOnlySet<string>?, CancellationToken, Task> _changed;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _lock = new();
    private HashSet<string>? _pending = new(StringComparer.Ordinal);
    private bool _dirty;
    private Task _reporting = Task.CompletedTask;
    private ITimer? _poll;

    /// <param name="directory">The folder to watch.</param>
    /// <param name="scope">What to watch in it.</param>
    /// <param name="changed">Gets the changed entries (<see langword="null"/>: anything may have changed) and the watcher's stop.</param>
    /// <param name="polling">Polls at this interval from the start (file systems without change events); <see langword="null"/>: events only.</param>
    public FolderWatcher(
        string directory, FolderWatchScope scope, TimeSpan quiet, TimeSpan? polling, Func<IReadOnlySet<string>?, CancellationToken, Task> changed, TimeProvider time, ILogger log)
    {
        _directory = directory;
        _quiet = quiet;
        _changed = changed;
        _time = time;
        _log = log;
        _debounce = time.CreateTimer(_ => Report(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        try
        {
            _watcher = new FileSystemWatcher(directory)
            {
                IncludeSubdirectories = scope != FolderWatchScope.Entries,
                NotifyFilter = scope == FolderWatchScope.Entries
                    ? NotifyFilters.DirectoryName
                    : NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
            };
            _watcher.Created += OnChanged;
            _watcher.Deleted += OnChanged;
            _watcher.Renamed += OnRenamed;
            if (scope == FolderWatchScope.Files)
            {
                _watcher.Changed += OnChanged;
            }

            _watcher.Error += (_, e) => OnError(e.GetException());
            _watcher.EnableRaisingEvents = true;
        }
        catch (Exception exception) when (exception is IOException or ArgumentException or PlatformNotSupportedException)
        {
            _log.LogWarning(exception, "Cannot watch {Directory}; polling for changes instead", directory);
            polling ??= EngineDefaults.ReloadPollingFallback;
        }

        if (polling is { } interval)
        {
            StartPolling(interval);
        }
    }

    /// <summary>Stops watching: a report in progress sees its token cancelled and is not waited for; reports queued behind it do not run.</summary>
    public void Dispose()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        _stopping.Cancel();
        _watcher?.Dispose();
        _debounce.Dispose();
        _poll?.Dispose();
    }

    /// <summary>What the file system watcher's <c>Error</c> event does: the events it lost are unknown, so anything may have changed.</summary>
    internal void OnError(Exception exception)
    {
        _log.LogWarning(exception, "The file watcher failed; polling for changes instead");
        StartPolling(EngineDefaults.ReloadPollingFallback);
        Changed(null);
    }

    private void OnChanged(object sender, FileSystemEventArgs e) => Changed(e.Name);

    private void OnRenamed(object sender, RenamedEventArgs e)
    {
        Changed(e.OldName);
        Changed(e.Name);
    }

    /// <param name="name">The changed path relative to the folder; <see langword="null"/>: anything.</param>
    private void Changed(string? name)
    {
        Mark(name);
        try
        {
            _debounce.Change(_quiet, Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
            // An event raised while the watcher stops.
        }
    }

    /// <summary>A poll reports at once: a poll more frequent than the quiet period must not keep pushing the report back.</summary>
    private void Poll()
    {
        Mark(null);
        Report();
    }

    private void Mark(string? name)
    {
        lock (_lock)
        {
            _dirty = true;
            if (name is null)
            {
                _pending = null;
            }
            else
            {
                _pending?.Add(name.Split('/', '\\')[0]);
            }
        }
    }

    private void StartPolling(TimeSpan interval) =>
        Interlocked.CompareExchange(ref _poll, _time.CreateTimer(_ => Poll(), null, interval, interval), null)?.Dispose();

    private void Report()
    {
        lock (_lock)
        {
            if (!_dirty || _stopping.IsCancellationRequested)
            {
                return;
            }

            var entries = _pending;
            _pending = new HashSet<string>(StringComparer.Ordinal);
            _dirty = false;
            _reporting = ReportAfterAsync(_reporting, entries);
        }
    }

    private async Task ReportAfterAsync(Task previous, IReadOnlySet<string>? entries)
    {
        // Never on the thread that queued it: that thread holds the lock the file events need, and a report may take long
        // (loading a tenant).
        await Task.Yield();
        await previous.ConfigureAwait(false);
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        try
        {
            await _changed(entries, _stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        catch (Exception exception)
        {
            _log.LogError(exception, "Handling the changes under {Directory} failed; what is loaded stays live", _directory);
        }
    }
}

/// <summary>What a <see cref="FolderWatcher"/> watches in its folder.</summary>
internal enum FolderWatchScope
{
    /// <summary>Folders created, deleted or renamed right under it (a tenants root's tenant list).</summary>
    Entries,

    /// <summary>Files and folders created, deleted, renamed or written anywhere under it.</summary>
    Files,
}
