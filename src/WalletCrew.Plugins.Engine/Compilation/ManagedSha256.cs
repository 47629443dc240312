using System.Buffers.Binary;
using System.Numerics;

namespace WalletCrew.Plugins.Engine.Compilation;

/// <summary>
/// SHA-256 in managed code (FIPS 180-4), for <see cref="ContentDigest"/>'s small inputs: the platform's SHA-256 on Linux
/// loads OpenSSL, ~10 ms and ~6 MiB of resident memory in a sandboxed worker whose only use of cryptography is naming its
/// scripts' compiled images. Checked against the platform's by ManagedSha256Tests.
/// </summary>
internal sealed class ManagedSha256
{
    private static readonly uint[] RoundConstants =
    [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ];

    private readonly uint[] _state = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
    private readonly byte[] _block = new byte[64];
    private int _filled;
    private long _length;

    /// <summary>The digest of <paramref name="bytes"/>, in lowercase hex.</summary>
    public static string Of(ReadOnlySpan<byte> bytes) => new ManagedSha256().Add(bytes).Finish();

    /// <summary>Adds <paramref name="bytes"/> to a digest built in parts.</summary>
    public ManagedSha256 Add(ReadOnlySpan<byte> bytes)
    {
        _length += bytes.Length;
        if (_filled > 0)
        {
            var taken = Math.Min(64 - _filled, bytes.Length);
            bytes[..taken].CopyTo(_block.AsSpan(_filled));
            _filled += taken;
            bytes = bytes[taken..];
            if (_filled < 64)
            {
                return this;
            }

            Compress(_block);
            _filled = 0;
        }

        for (; bytes.Length >= 64; bytes = bytes[64..])
        {
            Compress(bytes[..64]);
        }

        bytes.CopyTo(_block);
        _filled = bytes.Length;
        return this;
    }

    /// <summary>The digest of everything added, in lowercase hex; the instance is spent.</summary>
    public string Finish()
    {
        var bits = _length * 8;
        Span<byte> padding = stackalloc byte[72];
        padding.Clear();
        padding[0] = 0x80;
        var zeros = (55 - _filled + 64) % 64;
        BinaryPrimitives.WriteInt64BigEndian(padding[(1 + zeros)..], bits);
        Add(padding[..(1 + zeros + 8)]);
        Span<byte> hash = stackalloc byte[32];
        for (var i = 0; i < 8; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(hash[(4 * i)..], _state[i]);
        }

        return Convert.ToHexStringLower(hash);
    }

    private void Compress(ReadOnlySpan<byte> block)
    {
        Span<uint> w = stackalloc uint[64];
        for (var t = 0; t < 16; t++)
        {
            w[t] = BinaryPrimitives.ReadUInt32BigEndian(block[(4 * t)..]);
        }

        for (var t = 16; t < 64; t++)
        {
            var s0 = BitOperations.RotateRight(w[t - 15], 7) ^ BitOperations.RotateRight(w[t - 15], 18) ^ (w[t - 15] >> 3);
            var s1 = BitOperations.RotateRight(w[t - 2], 17) ^ BitOperations.RotateRight(w[t - 2], 19) ^ (w[t - 2] >> 10);
            w[t] = w[t - 16] + s0 + w[t - 7] + s1;
        }

        var (a, b, c, d, e, f, g, h) = (_state[0], _state[1], _state[2], _state[3], _state[4], _state[5], _state[6], _state[7]);
        for (var t = 0; t < 64; t++)
        {
            var t1 = h + (BitOperations.RotateRight(e, 6) ^ BitOperations.RotateRight(e, 11) ^ BitOperations.RotateRight(e, 25))
                + ((e & f) ^ (~e & g)) + RoundConstants[t] + w[t];
            var t2 = (BitOperations.RotateRight(a, 2) ^ BitOperations.RotateRight(a, 13) ^ BitOperations.RotateRight(a, 22))
                + ((a & b) ^ (a & c) ^ (b & c));
            (h, g, f, e, d, c, b, a) = (g, f, e, d + t1, c, b, a, t1 + t2);
        }

        _state[0] += a;
        _state[1] += b;
        _state[2] += c;
        _state[3] += d;
        _state[4] += e;
        _state[5] += f;
        _state[6] += g;
        _state[7] += h;
    }
}
