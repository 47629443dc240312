using Microsoft.Extensions.Logging;

namespace WalletCrew.Plugins.Engine.Reload;

/// <summary>
/// Watches a tenant folder (sub-folders included) for created, changed, renamed and deleted files and asks for a
/// reload after a quiet period; the reload itself compares content hashes, so touching a file changes nothing.
/// Polls as well when configured, or when the file system stops delivering events.
/// </summary>
internal sealed class TenantWatcher : IDisposable
{
    private readonly FileSystemWatcher? _watcher;
    private readonly ITimer _debounce;
    private readonly Func<CancellationToken, Task<bool>> _reload;
    private readonly ConnectorEngineOptions _options;
    private readonly ILogger _log;
    private readonly CancellationTokenSource _stopping = new();
    private ITimer? _poll;

    public TenantWatcher(string directory, ConnectorEngineOptions options, Func<CancellationToken, Task<bool>> reload)
    {
        _options = options;
        _reload = reload;
        _log = options.LoggerFactory.CreateLogger("WalletCrew.Plugins.Engine.Reload");
        _debounce = options.TimeProvider.CreateTimer(_ => Fire(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        try
        {
            _watcher = new FileSystemWatcher(directory)
            {
                IncludeSubdirectories = true,
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
            };
            _watcher.Created += OnChanged;
            _watcher.Changed += OnChanged;
            _watcher.Deleted += OnChanged;
            _watcher.Renamed += OnChanged;
            _watcher.Error += OnError;
            _watcher.EnableRaisingEvents = true;
        }
        catch (Exception exception) when (exception is IOException or ArgumentException or PlatformNotSupportedException)
        {
            _log.LogWarning(exception, "Cannot watch {Directory}; polling for changes instead", directory);
            StartPolling();
        }

        if (options.ReloadPollingInterval is not null)
        {
            StartPolling();
        }
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _watcher?.Dispose();
        _debounce.Dispose();
        _poll?.Dispose();
    }

    private void OnChanged(object sender, FileSystemEventArgs e) =>
        _debounce.Change(_options.ReloadDebounce, Timeout.InfiniteTimeSpan);

    private void OnError(object sender, ErrorEventArgs e)
    {
        _log.LogWarning(e.GetException(), "The file watcher failed; polling for changes instead");
        StartPolling();
        _debounce.Change(_options.ReloadDebounce, Timeout.InfiniteTimeSpan);
    }

    private void StartPolling()
    {
        var interval = _options.ReloadPollingInterval ?? EngineDefaults.ReloadPollingFallback;
        Interlocked.CompareExchange(ref _poll, _options.TimeProvider.CreateTimer(_ => Fire(), null, interval, interval), null)?.Dispose();
    }

    private void Fire()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        _ = ReloadAsync();
    }

    private async Task ReloadAsync()
    {
        try
        {
            await _reload(_stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        catch (Exception exception)
        {
            _log.LogError(exception, "Reloading connectors failed");
        }
    }
}
