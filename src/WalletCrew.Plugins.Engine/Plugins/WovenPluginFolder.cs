using WalletCrew.Plugins.Engine.Compilation;
using WalletCrew.Plugins.Engine.Limits;

namespace WalletCrew.Plugins.Engine.Plugins;

/// <summary>
/// The copy of a plugin folder that is actually loaded: every managed assembly woven with checkpoints
/// (<see cref="CheckpointWeaver"/>), other files as they are. Folders are named by a hash of the plugin's files and
/// the weaver's version, so an unchanged plugin is woven once and reused across reloads, restarts and hosts.
/// </summary>
internal static class WovenPluginFolder
{
    /// <summary>Changes whenever the weaving changes, so older woven copies are not reused.</summary>
    private const string WeaverVersion = "4";

    /// <summary>Returns the woven copy of <paramref name="pluginFolder"/> under <paramref name="root"/>, creating it when missing.</summary>
    public static string Prepare(string pluginFolder, string root)
    {
        var files = PluginFolders.Files(pluginFolder);
        var folder = Path.Combine(root, Hash(files));
        if (Directory.Exists(folder))
        {
            return folder;
        }

        var staging = $"{folder}.{Guid.NewGuid():N}.tmp";
        try
        {
            Directory.CreateDirectory(staging);
            var woven = new HashSet<string>(StringComparer.Ordinal);
            // Every managed assembly is woven, whatever its name: the loader loads assemblies by their metadata, not their extension.
            foreach (var (full, relative) in files.Where(f => !f.Relative.EndsWith(".pdb", StringComparison.OrdinalIgnoreCase)))
            {
                var target = Path.Combine(staging, relative);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                if (CheckpointWeaver.TryWeave(full, target))
                {
                    woven.Add(Path.ChangeExtension(relative, ".pdb"));
                }
            }

            foreach (var (full, relative) in files)
            {
                var target = Path.Combine(staging, relative);
                if (!File.Exists(target) && !woven.Contains(relative))
                {
                    Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                    File.Copy(full, target);
                }
            }

            Directory.Move(staging, folder);
        }
        catch (IOException) when (Directory.Exists(folder))
        {
            // Another loader (a reload, another host on the same cache) finished the same copy first.
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }

        return folder;
    }

    private static string Hash(IEnumerable<(string Full, string Relative)> files)
    {
        using var hash = ContentDigest.OfParts().Add($"weaver {WeaverVersion}; abstractions {typeof(ConnectorCheckpoint).Assembly.GetName().Version}\n");
        return hash.AddFiles(files).Finish()[..32];
    }
}
