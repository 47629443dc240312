using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace WalletCrew.Plugins.Host.Tenants;

/// <summary>Watches the tenants root and reloads a tenant once its files have been quiet for a moment.</summary>
internal sealed partial class TenantWatcher(string root, Action<string> reload, ILogger logger) : IDisposable
{
    private static readonly TimeSpan s_quiet = TimeSpan.FromMilliseconds(300);

    private readonly Channel<string> _changes = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stop = new();
    private FileSystemWatcher? _watcher;
    private Task? _loop;

    public void Start()
    {
        _watcher = new FileSystemWatcher(root) { IncludeSubdirectories = true, NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size };
        _watcher.Changed += OnChange;
        _watcher.Created += OnChange;
        _watcher.Deleted += OnChange;
        _watcher.Renamed += OnChange;
        _watcher.EnableRaisingEvents = true;
        _loop = Task.Run(() => RunAsync(_stop.Token));
    }

    public void Dispose()
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }

        _stop.Cancel();
        _watcher?.Dispose();
        _changes.Writer.TryComplete();
        try
        {
            _loop?.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // The loop logs its own failures; cancellation is the normal end.
        }

        _stop.Dispose();
    }

    private void OnChange(object sender, FileSystemEventArgs e)
    {
        var relative = Path.GetRelativePath(root, e.FullPath);
        var tenantId = relative.Split(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar)[0];
        if (tenantId.Length > 0 && tenantId != "..")
        {
            _changes.Writer.TryWrite(tenantId);
        }
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var pending = new HashSet<string>(StringComparer.Ordinal);
        while (await _changes.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            // Debounce: collect changes until the folder has been quiet for a moment.
            do
            {
                while (_changes.Reader.TryRead(out var tenantId))
                {
                    pending.Add(tenantId);
                }

                await Task.Delay(s_quiet, cancellationToken).ConfigureAwait(false);
            }
            while (_changes.Reader.TryPeek(out _));

            foreach (var tenantId in pending)
            {
                try
                {
                    reload(tenantId);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    LogReloadFailed(exception, tenantId);
                }
            }

            pending.Clear();
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Reloading tenant {TenantId} failed; the previous version stays live")]
    private partial void LogReloadFailed(Exception exception, string tenantId);
}
