using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;

namespace WalletCrew.Plugins.Engine.Compilation;

/// <summary>
/// The SHA-256 digests, in lowercase hex, that name the engine's content: a connector's source, its compile-cache entry,
/// a woven plugin copy. The host and its sandboxed workers name the same entry the same way with it.
/// </summary>
/// <remarks>
/// Inputs up to <see cref="ManagedLimit"/> (scripts and cache keys) are digested by <see cref="ManagedSha256"/>, so a
/// worker running scripts never loads OpenSSL (~10 ms and ~6 MiB of resident memory each); larger ones and plugin folders
/// by the platform's, about eight times faster on large files. A cryptographic digest either way, not a checksum: a cache
/// entry is trusted as the compiled, policy-checked form of exactly the text that names it.
/// </remarks>
internal static class ContentDigest
{
    /// <summary>The largest input digested in managed code (about 8 ms at ~150 MB/s).</summary>
    public const int ManagedLimit = 1 << 20;

    /// <summary>The digest of <paramref name="bytes"/>.</summary>
    public static string Of(ReadOnlySpan<byte> bytes) => bytes.Length <= ManagedLimit ? ManagedSha256.Of(bytes) : Platform(bytes);

    /// <summary>The digest of <paramref name="text"/>'s UTF-8 bytes.</summary>
    public static string Of(string text) => Of(Encoding.UTF8.GetBytes(text));

    /// <summary>Starts a digest built from parts: the names and contents of a plugin folder's files.</summary>
    public static Parts OfParts() => new();

    // Not inlined: compiling Of must not load the platform's cryptography assembly.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static string Platform(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>A digest built from parts, by the platform's SHA-256 (plugin folders hold assemblies of any size).</summary>
    public sealed class Parts : IDisposable
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

        /// <summary>Adds <paramref name="bytes"/>.</summary>
        public Parts Add(ReadOnlySpan<byte> bytes)
        {
            _hash.AppendData(bytes);
            return this;
        }

        /// <summary>Adds <paramref name="text"/>'s UTF-8 bytes.</summary>
        public Parts Add(string text) => Add(Encoding.UTF8.GetBytes(text));

        /// <summary>Adds each file's relative path and bytes, each part prefixed by its length (8 bytes, little-endian), so no
        /// two sets of files read the same: a name's last characters never pass for the next file's first bytes.</summary>
        public Parts AddFiles(IEnumerable<(string Full, string Relative)> files)
        {
            foreach (var (full, relative) in files)
            {
                AddPrefixed(Encoding.UTF8.GetBytes(relative)).AddPrefixed(File.ReadAllBytes(full));
            }

            return this;
        }

        /// <summary>The digest of everything added.</summary>
        public string Finish() => Convert.ToHexStringLower(_hash.GetHashAndReset());

        /// <inheritdoc />
        public void Dispose() => _hash.Dispose();

        private Parts AddPrefixed(ReadOnlySpan<byte> bytes)
        {
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteInt64LittleEndian(length, bytes.Length);
            return Add(length).Add(bytes);
        }
    }
}
