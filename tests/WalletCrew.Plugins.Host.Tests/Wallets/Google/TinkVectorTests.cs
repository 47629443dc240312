using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using WalletCrew.Plugins.Host.Wallets.Google;

namespace WalletCrew.Plugins.Host.Tests.Wallets.Google;

/// <summary>
/// Checks the verifier against Tink's published test data (tink-crypto/tink-java-apps, PaymentMethodTokenRecipientTest), used as data.
/// Tink publishes no fixed ECv2SigningOnly token (its tests sign at run time), so the byte layout is checked against its fixed ECv1
/// token, which signs the same length-value bytes, and the ECv2SigningOnly chain is signed here with Tink's published key pairs.
/// </summary>
public sealed class TinkVectorTests
{
    private const string EcV1Token = """
        {"protocolVersion":"ECv1","signedMessage":"{\"tag\":\"ZVwlJt7dU8Plk0+r8rPF8DmPTvDiOA1UAoNjDV+SqDE\\u003d\",\"ephemeralPublicKey\":\"BPhVspn70Zj2Kkgu9t8+ApEuUWsI/zos5whGCQBlgOkuYagOis7qsrcbQrcprjvTZO3XOU+Qbcc28FSgsRtcgQE\\u003d\",\"encryptedMessage\":\"12jUObueVTdy\"}","signature":"MEQCIDxBoUCoFRGReLdZ/cABlSSRIKoOEFoU3e27c14vMZtfAiBtX3pGMEpnw6mSAbnagCCgHlCk3NcFwWYEyxIE6KGZVA\u003d\u003d"}
        """;

    private const string EcV1PublicKey = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEPYnHwS8uegWAewQtlxizmLFynwHcxRT1PK07cDA6/C4sXrVI1SzZCUx8U8S0LjMrT6ird/VW7be3Mz6t/srtRQ==";

    private const string SigningOnlyRootPublicKey = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAENXvYqxD5WayKYhuXQevdGdLA8ifV4LsRS2uKvFo8wwyiwgQHB9DiKzG6T/P1Fu9Bl7zWy/se5Dy4wk1mJoPuxg==";

    private const string SigningOnlyRootPrivateKey =
        "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgRi9hSdY+knJ08odnYtZFMRi7ZYeMoasAijLhD4GiQ1yhRANCAAQ1e9irEPlZrIpiG5dB690Z0sDyJ9XguxFLa4q8WjzDDKLCBAcH0OIrMbpP8/UW70GXvNbL+x7kPLjCTWYmg+7G";

    private const string SigningOnlyIntermediatePrivateKey =
        "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg+Jvpkq26tpZ0sTTZVh4teEI41SnJdmkBzM8VZ5ZirE2hRANCAATw5q6vC9vJibwlYOAU9FMgODT+RxBMUBDi3GLkg/QDIzVCJqDBGENR+OmpmSnDzG38NfDJZgzQN0eqh5VMqqZh";

    private static readonly DateTimeOffset Now = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void TinksFixedTokenVerifiesOverTheSameLengthValueBytes()
    {
        using var token = JsonDocument.Parse(EcV1Token);
        var signedMessage = token.RootElement.GetProperty("signedMessage").GetString()!;
        var signature = Convert.FromBase64String(token.RootElement.GetProperty("signature").GetString()!);
        var key = Convert.FromBase64String(EcV1PublicKey);

        GoogleSignedBytes.Verifies(key, GoogleSignedBytes.LengthValue("Google", "someRecipient", "ECv1", signedMessage), signature).Should().BeTrue();
        GoogleSignedBytes.Verifies(key, GoogleSignedBytes.LengthValue("Google", "otherRecipient", "ECv1", signedMessage), signature)
            .Should().BeFalse("the negative control: another recipient changes the signed bytes");
    }

    [Fact]
    public void ACallbackSignedWithTinksPublishedKeysVerifiesAgainstItsPublishedRootKey()
    {
        using var root = ImportPrivate(SigningOnlyRootPrivateKey);
        using var intermediate = ImportPrivate(SigningOnlyIntermediatePrivateKey);
        using var signer = new GoogleTestSigner(root, intermediate);
        var rootKeys = $$"""{"keys":[{"keyValue":"{{SigningOnlyRootPublicKey}}","keyExpiration":"{{GoogleTestSigner.Millis(Now.AddDays(1))}}","protocolVersion":"ECv2SigningOnly"}]}""";
        var verifier = new GoogleCallbackVerifier(
            Options.Create(new GoogleWalletOptions { RootKeys = rootKeys }), NullLogger<GoogleCallbackVerifier>.Instance, new FakeTimeProvider(Now));
        var message = GoogleTestSigner.Message("3388000000012345678.c", "3388000000012345678.o", "save", GoogleTestSigner.Millis(Now.AddMinutes(1)), "n");

        var result = verifier.Verify(signer.Sign(message, "3388000000012345678", Now.AddHours(1)), "3388000000012345678");

        result.Failure.Should().BeNull();
        result.Callback!.ObjectId.Should().Be("3388000000012345678.o");
    }

    private static ECDsa ImportPrivate(string pkcs8)
    {
        var key = ECDsa.Create();
        key.ImportPkcs8PrivateKey(Convert.FromBase64String(pkcs8), out _);
        return key;
    }
}
