using System.Buffers.Text;
using System.Globalization;

namespace WalletCrew.Plugins.Engine.Sandbox;

/// <summary>A process and its descendants, read from /proc: a sandbox is bubblewrap, its reaper and the worker under them.</summary>
internal static class ProcessTree
{
    // /proc reports times in USER_HZ, which the kernel fixes at 100 for user space whatever its own tick rate.
    private const int ClockTicksPerSecond = 100;

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

    /// <summary>Returns the resident memory and the CPU time (user and system) so far of a process and all its descendants,
    /// from each one's <c>/proc/&lt;pid&gt;/statm</c> and <c>/proc/&lt;pid&gt;/stat</c> (short lines, read into the stack:
    /// the host reads this for every worker four times a second).</summary>
    public static ProcessUsage Usage(int processId)
    {
        long pages = 0, ticks = 0;
        Span<byte> line = stackalloc byte[1024];
        foreach (var pid in SelfAndDescendants(processId))
        {
            try
            {
                using (var statm = File.OpenHandle($"/proc/{pid}/statm"))
                {
                    pages += ResidentPages(line[..RandomAccess.Read(statm, line, 0)]);
                }

                using var stat = File.OpenHandle($"/proc/{pid}/stat");
                ticks += CpuTicks(line[..RandomAccess.Read(stat, line, 0)]);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // The process ended between two reads.
            }
        }

        return new ProcessUsage(pages * Environment.SystemPageSize, TimeSpan.FromSeconds((double)ticks / ClockTicksPerSecond));
    }

    // stat: "pid (comm) state ppid …": after the last ')' (a name may hold one), utime and stime are the 12th and 13th fields.
    private static long CpuTicks(ReadOnlySpan<byte> stat)
    {
        var rest = stat[(stat.LastIndexOf((byte)')') + 2)..];
        long ticks = 0;
        for (var field = 0; field < 13 && !rest.IsEmpty; field++)
        {
            var end = rest.IndexOf((byte)' ');
            var value = end < 0 ? rest : rest[..end];
            if (field >= 11 && Utf8Parser.TryParse(value, out long parsed, out _))
            {
                ticks += parsed;
            }

            rest = end < 0 ? [] : rest[(end + 1)..];
        }

        return ticks;
    }

    // statm: "size resident shared text lib data dt", in pages; the second is what is resident.
    private static long ResidentPages(ReadOnlySpan<byte> statm)
    {
        var rest = statm[(statm.IndexOf((byte)' ') + 1)..];
        var end = rest.IndexOf((byte)' ');
        return Utf8Parser.TryParse(end < 0 ? rest : rest[..end], out long pages, out _) ? pages : 0;
    }
}

/// <summary>What a process tree holds and has used: its resident memory and its CPU time so far.</summary>
internal readonly record struct ProcessUsage(long ResidentBytes, TimeSpan CpuTime);
