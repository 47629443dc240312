using System.Buffers.Text;
using System.Globalization;

namespace WalletCrew.Plugins.Engine.Sandbox;

/// <summary>A process and its descendants, read from /proc: a sandbox is bubblewrap, its reaper and the worker under them.</summary>
internal static class ProcessTree
{
    /// <summary>Returns <paramref name="processId"/> and every process below it that is still there.</summary>
    public static IEnumerable<int> SelfAndDescendants(int processId)
    {
        var pending = new Stack<int>([processId]);
        while (pending.TryPop(out var pid))
        {
            string children;
            try
            {
                children = File.ReadAllText($"/proc/{pid}/task/{pid}/children");
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                continue; // ended between two reads
            }

            yield return pid;
            foreach (var child in children.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                pending.Push(int.Parse(child, CultureInfo.InvariantCulture));
            }
        }
    }

    /// <summary>Returns the resident memory of a process and all its descendants, from each one's <c>/proc/&lt;pid&gt;/statm</c>
    /// (one short line, read into the stack: the host reads this for every worker four times a second).</summary>
    public static long ResidentBytes(int processId)
    {
        long pages = 0;
        Span<byte> statm = stackalloc byte[128];
        foreach (var pid in SelfAndDescendants(processId))
        {
            try
            {
                using var file = File.OpenHandle($"/proc/{pid}/statm");
                pages += ResidentPages(statm[..RandomAccess.Read(file, statm, 0)]);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // The process ended between two reads.
            }
        }

        return pages * Environment.SystemPageSize;
    }

    // statm: "size resident shared text lib data dt", in pages; the second is what is resident.
    private static long ResidentPages(ReadOnlySpan<byte> statm)
    {
        var rest = statm[(statm.IndexOf((byte)' ') + 1)..];
        var end = rest.IndexOf((byte)' ');
        return Utf8Parser.TryParse(end < 0 ? rest : rest[..end], out long pages, out _) ? pages : 0;
    }
}
