using System.Security.Cryptography;
using System.Text;
using WalletCrew.Plugins.Host.Store;

namespace WalletCrew.Plugins.Host.TenantFiles;

/// <summary>A tenant's whole file set: path to bytes, ordered by path; its hash names it (equal sets, equal hashes).</summary>
internal sealed class TenantFileSet
{
    private readonly SortedDictionary<string, byte[]> _files;

    public TenantFileSet(IEnumerable<KeyValuePair<string, byte[]>> files)
    {
        _files = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var (path, content) in files)
        {
            _files[path] = content;
        }

        Entries = [.. _files.Select(f => new TenantFileEntry(f.Key, Hash(f.Value), f.Value.LongLength))];
        SetHash = Hash(Encoding.UTF8.GetBytes(string.Concat(Entries.Select(e => $"{e.Path}\0{e.Hash}\n"))));
    }

    public static TenantFileSet Empty { get; } = new([]);

    public IReadOnlyDictionary<string, byte[]> Files => _files;

    public IReadOnlyList<TenantFileEntry> Entries { get; }

    public string SetHash { get; }

    /// <summary>The content hashes and bytes, as the store keeps them.</summary>
    public IReadOnlyDictionary<string, byte[]> Blobs()
    {
        var blobs = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var (entry, content) in Entries.Zip(_files.Values))
        {
            blobs[entry.Hash] = content;
        }

        return blobs;
    }

    public static string Hash(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));

    /// <summary>Returns the set with <paramref name="path"/> set to <paramref name="content"/>.</summary>
    public TenantFileSet With(string path, byte[] content) => new(_files.Where(f => f.Key != path).Append(new(path, content)));

    /// <summary>Returns the set without the files at or under <paramref name="path"/>.</summary>
    public TenantFileSet Without(string path) => new(_files.Where(f => !Covers(path, f.Key)));

    /// <summary>Returns the set with everything under <paramref name="folder"/> replaced by <paramref name="files"/> (paths relative to the folder).</summary>
    public TenantFileSet WithFolder(string folder, IReadOnlyDictionary<string, byte[]> files) =>
        new(_files.Where(f => !Covers(folder, f.Key)).Concat(files.Select(f => new KeyValuePair<string, byte[]>(folder + "/" + f.Key, f.Value))));

    public bool Contains(string path) => _files.Keys.Any(k => Covers(path, k));

    private static bool Covers(string path, string file) => file == path || file.StartsWith(path + "/", StringComparison.Ordinal);
}
