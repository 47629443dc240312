using System.IO.Compression;

namespace WalletCrew.Plugins.Host.TenantFiles;

/// <summary>
/// Reads an uploaded zip (a plugin package, or a whole tenant folder for <c>wcp push</c>) into paths and bytes, refusing
/// absolute paths, path traversal, links and entries or totals over the limits with an error that names the entry.
/// </summary>
internal static class TenantFileArchive
{
    public static (Dictionary<string, byte[]>? Files, string? Error) Read(byte[] zip, string what, TenantFileOptions limits)
    {
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        long total = 0;
        try
        {
            using var archive = new ZipArchive(new MemoryStream(zip, writable: false), ZipArchiveMode.Read);
            foreach (var entry in archive.Entries)
            {
                var name = entry.FullName;
                if (name.EndsWith('/') && entry.Length == 0)
                {
                    continue; // a folder entry
                }

                if (name.StartsWith('/') || name.Contains('\\', StringComparison.Ordinal) || name.Contains(':', StringComparison.Ordinal)
                    || name.Split('/').Any(s => s is "" or "." or ".."))
                {
                    return (null, $"{what}: entry '{name}' is an absolute path or leaves its folder ('..', '\\', ':' or an empty segment); entries must be relative paths inside the folder.");
                }

                if (TenantFilePaths.Unwritable(name) is { } unwritable)
                {
                    return (null, $"{what}: an entry {unwritable}");
                }

                // Unix mode bits in the high half of the external attributes: 0xA000 is a symbolic link.
                if (((entry.ExternalAttributes >> 16) & 0xF000) == 0xA000)
                {
                    return (null, $"{what}: entry '{name}' is a symbolic link; only regular files are accepted.");
                }

                if (entry.Length > limits.MaxFileBytes)
                {
                    return (null, $"{what}: entry '{name}' is {entry.Length} bytes; the limit is {limits.MaxFileBytes} bytes per file ({TenantFileOptions.Section}:MaxFileBytes).");
                }

                if (files.Count >= limits.MaxFiles)
                {
                    return (null, $"{what}: more than {limits.MaxFiles} files ({TenantFileOptions.Section}:MaxFiles).");
                }

                var content = ReadBounded(entry, limits.MaxFileBytes);
                if (content is null)
                {
                    return (null, $"{what}: entry '{name}' expands past {limits.MaxFileBytes} bytes ({TenantFileOptions.Section}:MaxFileBytes).");
                }

                total += content.Length;
                if (total > limits.MaxUploadBytes)
                {
                    return (null, $"{what}: the entries expand past {limits.MaxUploadBytes} bytes in all ({TenantFileOptions.Section}:MaxUploadBytes).");
                }

                if (!files.TryAdd(name, content))
                {
                    return (null, $"{what}: entry '{name}' appears twice.");
                }
            }
        }
        catch (InvalidDataException exception)
        {
            return (null, $"{what} is not a valid zip archive: {exception.Message}");
        }

        return (files, null);
    }

    // The declared size may lie: read at most one byte past the limit.
    private static byte[]? ReadBounded(ZipArchiveEntry entry, int limit)
    {
        using var stream = entry.Open();
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > limit)
            {
                return null;
            }
        }

        return buffer.ToArray();
    }
}
