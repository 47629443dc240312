using System.Security.Cryptography;
using System.Text;
using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Engine.Tests.Invocation;

/// <summary>
/// Partners want signed requests (webhook signatures, JWT client assertions): a script hashes, HMACs and signs with RSA or
/// ECDsa keys it reads as PEM or JWK from its secrets, and the partner stub verifies what arrives. Before, every
/// System.Security.Cryptography type was refused (WCP1001), and the assembly was not even referenced.
/// </summary>
public sealed class RequestSigningTests
{
    private const string Body = """{"passId":"P1","installed":true}""";

    [Fact]
    public async Task ScriptSignsARequestWithHmacSha256()
    {
        await using var partner = await PartnerStub.StartAsync();
        using var harness = new EngineHarness();
        harness.Secrets.Set("test-tenant", "WEBHOOK-SECRET", "s3cr3t-s3cr3t");
        using var tenant = harness.Load(Hook(partner.BaseAddress, """
            var key = Encoding.UTF8.GetBytes(await GetSecretAsync("WEBHOOK-SECRET"));
            var signature = Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(body)));
            using var hmac = new HMACSHA256(key);
            var again = Convert.ToHexStringLower(hmac.ComputeHash(Encoding.UTF8.GetBytes(body)));
            if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(signature), Encoding.ASCII.GetBytes(again))) throw new InvalidOperationException("differs");
            """));
        tenant.Diagnostics.Should().BeEmpty();

        await SucceedAsync(tenant);

        var request = partner.Requests.Single();
        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes("s3cr3t-s3cr3t"), Encoding.UTF8.GetBytes(Body)));
        request.Headers["X-Signature"].Should().Be(expected);
        request.Body.Should().Be(Body);
    }

    [Fact]
    public async Task ScriptSignsARequestWithAnEcdsaP256KeyFromPem()
    {
        await using var partner = await PartnerStub.StartAsync();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var harness = new EngineHarness();
        harness.Secrets.Set("test-tenant", "SIGNING-KEY", key.ExportPkcs8PrivateKeyPem());
        using var tenant = harness.Load(Hook(partner.BaseAddress, """
            using var ecdsa = ECDsa.Create();
            ecdsa.ImportFromPem(await GetSecretAsync("SIGNING-KEY"));
            var signature = Convert.ToBase64String(ecdsa.SignData(Encoding.UTF8.GetBytes(body), HashAlgorithmName.SHA256));
            """));
        tenant.Diagnostics.Should().BeEmpty();

        await SucceedAsync(tenant);

        var signature = Convert.FromBase64String(partner.Requests.Single().Headers["X-Signature"]);
        key.VerifyData(Encoding.UTF8.GetBytes(Body), signature, HashAlgorithmName.SHA256).Should().BeTrue();
    }

    [Fact]
    public async Task ScriptSignsAJwtClientAssertionWithAnRsaKeyFromPem()
    {
        await using var partner = await PartnerStub.StartAsync();
        using var key = RSA.Create(2048);
        using var harness = new EngineHarness();
        harness.Secrets.Set("test-tenant", "SIGNING-KEY", key.ExportRSAPrivateKeyPem());
        using var tenant = harness.Load(Hook(partner.BaseAddress, """
            using var rsa = RSA.Create();
            rsa.ImportFromPem(await GetSecretAsync("SIGNING-KEY"));
            static string B64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
            var jti = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
            var input = B64Url(Encoding.UTF8.GetBytes("{\"alg\":\"RS256\",\"typ\":\"JWT\"}")) + "." + B64Url(Encoding.UTF8.GetBytes($"{{\"jti\":\"{jti}\",\"sub\":\"acme\"}}"));
            var signature = input + "." + B64Url(rsa.SignData(Encoding.UTF8.GetBytes(input), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
            """));
        tenant.Diagnostics.Should().BeEmpty();

        await SucceedAsync(tenant);

        var parts = partner.Requests.Single().Headers["X-Signature"].Split('.');
        var signed = FromB64Url(parts[2]);
        key.VerifyData(Encoding.UTF8.GetBytes(parts[0] + "." + parts[1]), signed, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1).Should().BeTrue();
    }

    [Fact]
    public async Task ScriptSignsWithAnEcdsaKeyFromJwkAndHashesIncrementally()
    {
        await using var partner = await PartnerStub.StartAsync();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var p = key.ExportParameters(includePrivateParameters: true);
        using var harness = new EngineHarness();
        harness.Secrets.Set("test-tenant", "JWK-X", Convert.ToBase64String(p.Q.X!));
        harness.Secrets.Set("test-tenant", "JWK-Y", Convert.ToBase64String(p.Q.Y!));
        harness.Secrets.Set("test-tenant", "JWK-D", Convert.ToBase64String(p.D!));
        using var tenant = harness.Load(Hook(partner.BaseAddress, """
            var parameters = new ECParameters
            {
                Curve = ECCurve.NamedCurves.nistP256,
                Q = new ECPoint { X = Convert.FromBase64String(await GetSecretAsync("JWK-X")), Y = Convert.FromBase64String(await GetSecretAsync("JWK-Y")) },
                D = Convert.FromBase64String(await GetSecretAsync("JWK-D")),
            };
            using var ecdsa = ECDsa.Create(parameters);
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            hash.AppendData(Encoding.UTF8.GetBytes(body));
            var digest = hash.GetHashAndReset();
            if (!digest.AsSpan().SequenceEqual(SHA256.HashData(Encoding.UTF8.GetBytes(body)))) throw new InvalidOperationException("digest");
            var signature = Convert.ToBase64String(ecdsa.SignHash(digest, DSASignatureFormat.Rfc3279DerSequence));
            """));
        tenant.Diagnostics.Should().BeEmpty();

        await SucceedAsync(tenant);

        var signature = Convert.FromBase64String(partner.Requests.Single().Headers["X-Signature"]);
        key.VerifyData(Encoding.UTF8.GetBytes(Body), signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence).Should().BeTrue();
    }

    private static async Task SucceedAsync(TenantConnectors tenant)
    {
        var result = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);
        result.Status.Should().Be(InvocationStatus.Succeeded, result.Error);
    }

    private static byte[] FromB64Url(string text)
    {
        var padded = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(padded + new string('=', (4 - (padded.Length % 4)) % 4));
    }

    private static string Hook(string partner, string signing) => $$""""
        using System.Security.Cryptography;
        using System.Text;

        async Task onPassInstalled(string passId)
        {
            var body = """{{Body}}""";
            {{signing}}
            await fetch("{{partner}}/webhook", new { Method = "POST", Body = body, Headers = new Dictionary<string, string> { ["X-Signature"] = signature, ["Content-Type"] = "application/json" } });
        }

        context.register("runtime.wallet.passUpdater", new { OnPassInstalled = onPassInstalled });
        """";
}
