using System.Collections.Concurrent;
using System.Globalization;

namespace WalletCrew.Plugins.Engine.Sandbox;

/// <summary>
/// The engine's folders in the temporary folder (spare slots with copies of tenants' files, the worker program's copy, the
/// seccomp program, a private compile cache), named after the process that made them: <c>wcp-spare-&lt;pid&gt;-XXXXXX</c>.
/// A process deletes its own when done, but one that is killed (<c>kill -9</c>, the kernel's OOM killer) cannot; so the first
/// folder a process makes of a kind sweeps away that kind's folders whose process is no longer running. Processes are
/// looked up in this PID namespace: hosts in other PID namespaces must not share this temporary folder (systemd's
/// <c>PrivateTmp</c> and containers give each its own).
/// </summary>
internal static class TempFolders
{
    private static readonly ConcurrentDictionary<string, Lazy<bool>> s_swept = new(StringComparer.Ordinal);

    /// <summary>Creates a folder of the kind <paramref name="prefix"/> (e.g. <c>wcp-spare-</c>), mode 0700, and returns its full path.</summary>
    public static string Create(string prefix)
    {
        _ = s_swept.GetOrAdd(prefix, kind => new Lazy<bool>(() => Sweep(kind))).Value;
        return Directory.CreateTempSubdirectory($"{prefix}{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}-").FullName;
    }

    // Deletes the folders of the kind whose process has ended; folders named otherwise (made before this naming) are left.
    private static bool Sweep(string prefix)
    {
        foreach (var folder in Directory.EnumerateDirectories(Path.GetTempPath(), prefix + "*"))
        {
            var name = Path.GetFileName(folder)[prefix.Length..];
            var dash = name.IndexOf('-', StringComparison.Ordinal);
            if (dash > 0 && int.TryParse(name[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                && pid != Environment.ProcessId && !Directory.Exists($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}"))
            {
                try
                {
                    Directory.Delete(folder, recursive: true);
                }
                catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
                {
                    // Another process's sweep took it, or it is not ours to delete.
                }
            }
        }

        return true;
    }
}
