using System.Security.Cryptography;
using System.Text;
using FluentAssertions;
using WalletCrew.Plugins.Engine.Compilation;
using Xunit;

namespace WalletCrew.Plugins.Engine.Tests.Compilation;

/// <summary>The managed SHA-256 names content exactly as the platform's does, so hosts and workers find the same cache entries.</summary>
public sealed class ManagedSha256Tests
{
    [Theory]
    [InlineData("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    [InlineData("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")]
    [InlineData("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")]
    public void TheStandardsExamplesGiveTheirPublishedDigests(string text, string digest) =>
        ManagedSha256.Of(Encoding.UTF8.GetBytes(text)).Should().Be(digest);

    [Fact]
    public void EveryLengthAroundTheBlockAndPaddingEdgesMatchesThePlatformsSha256()
    {
        var random = new Random(13);
        foreach (var length in Enumerable.Range(0, 200).Concat([1_000, 4_096, 65_537, 1_000_003]))
        {
            var bytes = new byte[length];
            random.NextBytes(bytes);

            ManagedSha256.Of(bytes).Should().Be(Platform(bytes), $"{length} bytes");
        }
    }

    [Fact]
    public void ADigestBuiltInPartsEqualsTheDigestOfTheWhole()
    {
        var random = new Random(7);
        var bytes = new byte[10_000];
        random.NextBytes(bytes);
        var digest = new ManagedSha256();
        for (var offset = 0; offset < bytes.Length;)
        {
            var part = Math.Min(random.Next(0, 150), bytes.Length - offset);
            digest.Add(bytes.AsSpan(offset, part));
            offset += part;
        }

        digest.Finish().Should().Be(Platform(bytes));
    }

    [Theory]
    [InlineData(ContentDigest.ManagedLimit)]
    [InlineData(ContentDigest.ManagedLimit + 1)]
    public void ContentOnEitherSideOfTheManagedLimitIsNamedByItsSha256(int length)
    {
        var bytes = new byte[length];
        new Random(length).NextBytes(bytes);

        ContentDigest.Of(bytes).Should().Be(Platform(bytes));
    }

    [Fact]
    public void TextAndPartsAreDigestedAsTheirUtf8Bytes()
    {
        using var parts = ContentDigest.OfParts().Add("tenant\n").Add("é€😀"u8);

        ContentDigest.Of("tenant\né€😀").Should().Be(Platform(Encoding.UTF8.GetBytes("tenant\né€😀")));
        parts.Finish().Should().Be(ContentDigest.Of("tenant\né€😀"));
    }

    private static string Platform(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
