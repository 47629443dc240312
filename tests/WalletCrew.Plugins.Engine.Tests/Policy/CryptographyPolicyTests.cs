using WalletCrew.Plugins.Engine.Policy;

namespace WalletCrew.Plugins.Engine.Tests.Policy;

/// <summary>
/// Signing is allowed (RequestSigningTests); what reaches the machine's keys, certificates or files is not, nor creating an
/// algorithm by name (CryptoConfig instantiates whatever type the string names).
/// </summary>
public sealed class CryptographyPolicyTests
{
    public static TheoryData<string, string> Refused => new()
    {
        { "using var store = new X509Store(StoreName.My, StoreLocation.CurrentUser);", "key stores, certificates" },
        { "using var store = new X509Store(\"Root\");", "key stores, certificates" },
        { "using var c = X509CertificateLoader.LoadCertificateFromFile(\"client.pem\");", "key stores, certificates" },
        { "using var c = X509CertificateLoader.LoadPkcs12FromFile(\"client.pfx\", \"pw\");", "key stores, certificates" },
        { "using var c = X509Certificate2.CreateFromPemFile(\"client.pem\");", "key stores, certificates" },
        { "using var c = X509CertificateLoader.LoadCertificate(new byte[1]); using var k = c.GetRSAPrivateKey();", "key stores, certificates" },
        { "using var rsa = new RSACryptoServiceProvider(new CspParameters { KeyContainerName = \"k\" });", "key stores, certificates" },
        { "using var k = CngKey.Open(\"k\");", "key stores, certificates" },
        { "using var rsa = new RSAOpenSsl();", "key stores, certificates" },
        { "using var rsa = RSA.Create(\"RSA\");", "algorithm by name" },
        { "using var ecdsa = ECDsa.Create(\"ECDsa\");", "algorithm by name" },
        { "using var sha = SHA256.Create(\"System.Object\");", "algorithm by name" },
        { "using var h = HashAlgorithm.Create(\"SHA256\");", "algorithm by name" },
        { "using var h = HMAC.Create(\"HMACSHA256\");", "algorithm by name" },
        { "using var r = RandomNumberGenerator.Create(\"x\");", "algorithm by name" },
        { "var o = CryptoConfig.CreateFromName(\"RSA\");", "algorithm by name" },
        { "using var rsa = RSA.Create(); rsa.ImportFromPem(System.IO.File.ReadAllText(\"key.pem\"));", "file system access" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void StoresCertificatesFilesAndCreationByNameStayRefused(string line, string category)
    {
        var diagnostics = Check(line);

        diagnostics.Should().Contain(d => d.Id == "WCP1001" && d.GetMessage(null).Contains(category));
    }

    [Fact]
    public void NegativeControlSigningWithKeysFromTextIsAllowed()
    {
        var diagnostics = Check("""
            using var rsa = RSA.Create(2048);
            rsa.ImportFromPem("-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----");
            _ = rsa.SignData(new byte[1], HashAlgorithmName.SHA256, RSASignaturePadding.Pss);
            using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            ecdsa.ImportParameters(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = new ECPoint { X = new byte[32], Y = new byte[32] } });
            _ = ecdsa.SignData(new byte[1], HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
            using var sha = SHA256.Create();
            _ = sha.ComputeHash(new byte[1]);
            _ = SHA512.HashData(new byte[1]).Length + MD5.HashData(new byte[1]).Length + SHA1.HashData(new byte[1]).Length;
            using var hmac = new HMACSHA512(new byte[8]);
            _ = hmac.ComputeHash(new byte[1]);
            _ = RandomNumberGenerator.GetInt32(10) + RandomNumberGenerator.GetBytes(4).Length;
            _ = CryptographicOperations.FixedTimeEquals(new byte[1], new byte[1]);
            _ = PemEncoding.Find("-----BEGIN X-----\n-----END X-----").Location;
            """);

        diagnostics.Select(d => d.GetMessage(null)).Should().BeEmpty();
    }

    private static IReadOnlyList<Microsoft.CodeAnalysis.Diagnostic> Check(string body)
    {
        var (compilation, userTree) = ScriptCompilation.Create(
            "using System.Security.Cryptography;\nusing System.Security.Cryptography.X509Certificates;\n" + body);
        ScriptCompilation.CompilerErrors(compilation).Should().BeEmpty();
        return ApiPolicy.Default.Check(compilation, userTree, CancellationToken.None);
    }
}
