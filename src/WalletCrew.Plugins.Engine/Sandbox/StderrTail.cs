using System.Collections.Concurrent;
using System.Text;

namespace WalletCrew.Plugins.Engine.Sandbox;

/// <summary>
/// Reads a child process's standard error to its end (so the child never blocks on a full pipe) and keeps, to explain how
/// the child ended, its last lines and the report the runtime writes when it ends a process it cannot keep running (a stack
/// overflow, a fatal error, an unhandled exception; <see cref="ChildExits.ReportHeadings"/>), each line cut to 512 bytes.
/// The report is kept apart from the last lines: the stack that follows its heading can push it out of them. What it holds
/// is bounded however the child writes (a line without end included), and a child that writes more than
/// <see cref="MaxBytes"/> in all is reported to its owner, which ends it: reading a hostile worker's output without end
/// would spend the host's time on it.
/// </summary>
internal sealed class StderrTail
{
    /// <summary>The most a child may write to its standard error over its life: far more than any runtime report (a report's stack is bounded by the thread's).</summary>
    public const int MaxBytes = 16 * 1024 * 1024;

    private const int MaxLineBytes = 512;
    private const int ReportLines = 4;

    private readonly ConcurrentQueue<string> _lines = new();
    private readonly ConcurrentQueue<string> _report = new();
    private readonly int _kept;
    private readonly Task _drained;

    /// <param name="stderr">The child's standard error, as bytes.</param>
    /// <param name="kept">How many last lines to keep.</param>
    /// <param name="overflowed">Called once, from the reading task, when the child has written more than <see cref="MaxBytes"/>; reading then stops.</param>
    public StderrTail(Stream stderr, int kept, Action overflowed)
    {
        _kept = kept;
        _drained = Task.Run(() => DrainAsync(stderr, overflowed));
    }

    /// <summary>
    /// Waits, a second at most, until the reading has reached the end of what the child wrote: a process's exit can be seen
    /// before its last output is read, and its report is what judges how it ended. Never throws.
    /// </summary>
    public Task WaitReadAsync() => Task.WhenAny(_drained, Task.Delay(TimeSpan.FromSeconds(1)));

    /// <summary>Gets the last lines kept, joined by spaces.</summary>
    public string Text => string.Join(" ", _lines);

    /// <summary>
    /// Gets the start of the runtime's first failure report (its heading and the next lines, separator lines left out),
    /// joined by spaces, or an empty string when the child wrote none.
    /// </summary>
    public string Report => string.Join(" ", _report);

    private async Task DrainAsync(Stream stderr, Action overflowed)
    {
        var buffer = new byte[8192];
        var line = new byte[MaxLineBytes];
        var length = 0;
        long total = 0;
        try
        {
            int read;
            while ((read = await stderr.ReadAsync(buffer).ConfigureAwait(false)) > 0)
            {
                total += read;
                if (total > MaxBytes)
                {
                    overflowed();
                    return;
                }

                foreach (var b in buffer.AsSpan(0, read))
                {
                    if (b == (byte)'\n')
                    {
                        EndLine(line.AsSpan(0, length));
                        length = 0;
                    }
                    else if (length < line.Length)
                    {
                        line[length++] = b;
                    }
                }
            }

            if (length > 0)
            {
                EndLine(line.AsSpan(0, length));
            }
        }
        catch (Exception exception) when (exception is IOException or ObjectDisposedException)
        {
        }
    }

    private void EndLine(ReadOnlySpan<byte> bytes)
    {
        var line = Encoding.UTF8.GetString(bytes.TrimEnd((byte)'\r'));
        KeepInReport(line);
        _lines.Enqueue(line);
        while (_lines.Count > _kept)
        {
            _lines.TryDequeue(out _);
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
