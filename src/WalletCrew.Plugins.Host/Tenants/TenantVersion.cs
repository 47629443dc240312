using System.Security.Cryptography;
using System.Text;

namespace WalletCrew.Plugins.Host.Tenants;

/// <summary>A tenant version: a short hash of every file under the tenant folder (paths and contents).</summary>
internal static class TenantVersion
{
    public static string Compute(string tenantDirectory)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        if (Directory.Exists(tenantDirectory))
        {
            foreach (var file in Directory.EnumerateFiles(tenantDirectory, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                hash.AppendData(Encoding.UTF8.GetBytes(Path.GetRelativePath(tenantDirectory, file).Replace('\\', '/')));
                try
                {
                    hash.AppendData(File.ReadAllBytes(file));
                }
                catch (IOException)
                {
                    // A file being written right now; the watcher reloads again once it settles.
                }
            }
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset())[..12];
    }
}
