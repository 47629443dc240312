using System.Collections.Concurrent;

namespace WalletCrew.Plugins.Engine.Sandbox;

/// <summary>Reads a child process's standard error to its end (so the child never blocks on a full pipe) and keeps its
/// last lines, each cut to 512 characters, to explain how the child ended.</summary>
internal sealed class StderrTail
{
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly int _kept;

    public StderrTail(StreamReader stderr, int kept)
    {
        _kept = kept;
        _ = Task.Run(() => DrainAsync(stderr));
    }

    /// <summary>Gets the lines kept, joined by spaces.</summary>
    public string Text => string.Join(" ", _lines);

    private async Task DrainAsync(StreamReader stderr)
    {
        try
        {
            while (await stderr.ReadLineAsync().ConfigureAwait(false) is { } line)
            {
                _lines.Enqueue(line.Length > 512 ? line[..512] : line);
                while (_lines.Count > _kept)
                {
                    _lines.TryDequeue(out _);
                }
            }
        }
        catch (IOException)
        {
        }
    }
}
