using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace WalletCrew.Plugins.Host.Tenants;

/// <summary>
/// Watches the tenants root and, once it has been quiet for a moment, reports which tenant folders changed (the first
/// segment of each changed path). Without <paramref name="files"/> it sees only folders appearing, disappearing or being
/// renamed right under the root (the tenant list; the engine watches a folder tenant's own files); with it, every file
/// saved anywhere under the root too (saves in stored tenants' folders).
/// </summary>
internal sealed partial class TenantWatcher(string root, bool files, Func<IReadOnlySet<string>, Task> changed, ILogger logger) : IDisposable
{
    private static readonly TimeSpan s_quiet = TimeSpan.FromMilliseconds(300);

    private readonly Channel<string> _changes = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stop = new();
    private FileSystemWatcher? _watcher;
    private Task? _loop;

    public void Start()
    {
        _watcher = new FileSystemWatcher(root)
        {
            IncludeSubdirectories = files,
            NotifyFilter = files ? NotifyFilters.DirectoryName | NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size : NotifyFilters.DirectoryName,
        };
        _watcher.Created += OnChange;
        _watcher.Deleted += OnChange;
        _watcher.Renamed += OnChange;
        if (files)
        {
            _watcher.Changed += OnChange;
        }

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

    private void OnChange(object sender, FileSystemEventArgs e) => _changes.Writer.TryWrite(e.Name ?? "");

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        while (await _changes.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            // Debounce: collect changes until the folder has been quiet for a moment.
            var tenants = new HashSet<string>(StringComparer.Ordinal);
            do
            {
                while (_changes.Reader.TryRead(out var name))
                {
                    tenants.Add(name.Split('/', '\\')[0]);
                }

                await Task.Delay(s_quiet, cancellationToken).ConfigureAwait(false);
            }
            while (_changes.Reader.TryPeek(out _));

            try
            {
                await changed(tenants).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogRefreshFailed(exception, root);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Handling the changes under the tenants root {Root} failed; the loaded tenants stay live")]
    private partial void LogRefreshFailed(Exception exception, string root);
}
