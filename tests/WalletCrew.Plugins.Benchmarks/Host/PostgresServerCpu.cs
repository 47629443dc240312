using System.Globalization;
using WalletCrew.Plugins.Benchmarks.Support;

namespace WalletCrew.Plugins.Benchmarks.Host;

/// <summary>
/// CPU time of a PostgreSQL server on this machine, from <c>/proc</c>: the postmaster, its live children (backends, WAL writer,
/// checkpointer…) and the children it has reaped. The benchmark's own CPU column leaves the server out; this puts it back.
/// </summary>
internal static class PostgresServerCpu
{
    /// <summary>Reads the server's CPU time so far; null when its data folder or <c>/proc</c> cannot be read (a remote server).</summary>
    public static TimeSpan? Read(string dataDirectory)
    {
        try
        {
            var postmaster = int.Parse(File.ReadLines(Path.Combine(dataDirectory, "postmaster.pid")).First(), CultureInfo.InvariantCulture);
            var own = Fields(postmaster);
            // utime, stime, cutime, cstime: fields 14–17 of stat, counted from 1.
            var ticks = own[13] + own[14] + own[15] + own[16];
            foreach (var directory in Directory.EnumerateDirectories("/proc"))
            {
                if (int.TryParse(Path.GetFileName(directory), CultureInfo.InvariantCulture, out var pid) && pid != postmaster
                    && TryFields(pid) is { } child && child[3] == postmaster)
                {
                    ticks += child[13] + child[14];
                }
            }

            return TimeSpan.FromSeconds(ticks / ProcStat.TicksPerSecond);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or InvalidOperationException)
        {
            return null;
        }
    }

    private static long[] Fields(int pid) => TryFields(pid) ?? throw new InvalidOperationException($"/proc/{pid}/stat is not readable.");

    private static long[]? TryFields(int pid) => ProcStat.TryRead($"/proc/{pid}/stat");
}
