using System.Globalization;

namespace WalletCrew.Plugins.Benchmarks.Support;

/// <summary>A process's or thread's <c>/proc/…/stat</c>, read as proc(5) numbers its fields.</summary>
internal static class ProcStat
{
    /// <summary>USER_HZ: the unit of the CPU times in <c>stat</c>, 100 on Linux x64.</summary>
    public const double TicksPerSecond = 100;

    /// <summary>
    /// The fields of the <c>stat</c> file at <paramref name="path"/>, field <c>n</c> of proc(5) at index <c>n - 1</c> (ppid at 3,
    /// utime at 13, stime at 14), read after the command name (which may hold spaces); non-numeric ones read as 0. Null when
    /// the file cannot be read.
    /// </summary>
    public static long[]? TryRead(string path)
    {
        string stat;
        try
        {
            stat = File.ReadAllText(path);
        }
        catch (IOException)
        {
            return null;
        }

        var rest = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return [0, 0, .. rest.Select(f => long.TryParse(f, CultureInfo.InvariantCulture, out var n) ? n : 0)];
    }

    /// <summary>The user and system CPU time in a <c>stat</c>'s fields.</summary>
    public static TimeSpan Cpu(long[] fields) => TimeSpan.FromSeconds((fields[13] + fields[14]) / TicksPerSecond);
}
