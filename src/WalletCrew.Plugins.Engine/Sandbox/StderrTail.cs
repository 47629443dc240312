using System.Collections.Concurrent;

namespace WalletCrew.Plugins.Engine.Sandbox;

/// <summary>
/// Reads a child process's standard error to its end (so the child never blocks on a full pipe) and keeps, to explain how
/// the child ended, its last lines and the report the runtime writes when it ends a process it cannot keep running (a stack
/// overflow, a fatal error, an unhandled exception), each line cut to 512 characters. The report is kept apart from the
/// last lines: the stack that follows its heading can push it out of them.
/// </summary>
internal sealed class StderrTail
{
    private const int ReportLines = 4;

    private readonly ConcurrentQueue<string> _lines = new();
    private readonly ConcurrentQueue<string> _report = new();
    private readonly int _kept;

    public StderrTail(StreamReader stderr, int kept)
    {
        _kept = kept;
        _ = Task.Run(() => DrainAsync(stderr));
    }

    /// <summary>Gets the last lines kept, joined by spaces.</summary>
    public string Text => string.Join(" ", _lines);

    /// <summary>
    /// Gets the start of the runtime's first failure report (its heading and the next lines, separator lines left out),
    /// joined by spaces, or an empty string when the child wrote none.
    /// </summary>
    public string Report => string.Join(" ", _report);

    private async Task DrainAsync(StreamReader stderr)
    {
        try
        {
            while (await stderr.ReadLineAsync().ConfigureAwait(false) is { } line)
            {
                line = line.Length > 512 ? line[..512] : line;
                KeepInReport(line);
                _lines.Enqueue(line);
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

    private void KeepInReport(string line)
    {
        var trimmed = line.Trim();
        if (_report.IsEmpty
            ? !ChildExits.ReportHeadings.Any(h => trimmed.StartsWith(h, StringComparison.Ordinal))
            : _report.Count >= ReportLines || trimmed.Length == 0 || trimmed.All(c => c == '-'))
        {
            return;
        }

        _report.Enqueue(trimmed);
    }
}
