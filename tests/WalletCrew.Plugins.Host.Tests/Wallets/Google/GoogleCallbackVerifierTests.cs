using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using WalletCrew.Plugins.Host.Tests.Support;
using WalletCrew.Plugins.Host.Wallets.Google;

namespace WalletCrew.Plugins.Host.Tests.Wallets.Google;

public sealed class GoogleCallbackVerifierTests : IDisposable
{
    private const string Issuer = "3388000000012345678";
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly GoogleTestSigner _signer = new();
    private readonly FakeTimeProvider _time = new(Now);
    private readonly RecordingLoggerProvider _logs = new();
    private readonly ILoggerFactory _loggers;

    public GoogleCallbackVerifierTests() => _loggers = LoggerFactory.Create(b => b.AddProvider(_logs));

    [Fact]
    public void AcceptsACallbackWithExpTimeMillisAsAString()
    {
        var message = Message(expTimeMillis: GoogleTestSigner.Millis(Now.AddMinutes(5)));

        var result = Verifier().Verify(_signer.Sign(message, Issuer, Now.AddDays(1)), Issuer);

        result.Failure.Should().BeNull();
        result.IsValid.Should().BeTrue();
        result.Callback.Should().Be(new GoogleCallback($"{Issuer}.loyalty", $"{Issuer}.member-1", "save", "nonce-1", Now.AddMinutes(5)));
        _logs.Lines.Should().ContainSingle(l => l.Level == LogLevel.Information && l.Message.Contains("verified with sender id GooglePayPasses", StringComparison.Ordinal));
    }

    [Fact]
    public void AcceptsACallbackWithExpTimeMillisAsANumberAndADeletion()
    {
        var message = Message(expTimeMillis: Now.AddMinutes(5).ToUnixTimeMilliseconds(), eventType: "del");

        var result = Verifier().Verify(_signer.Sign(message, Issuer, Now.AddDays(1)), Issuer);

        result.Failure.Should().BeNull();
        result.Callback!.EventType.Should().Be("del");
        result.Callback.ExpiresAt.Should().Be(Now.AddMinutes(5));
    }

    [Fact]
    public void AcceptsTheAlternativeSenderAndLogsWhichOneMatched()
    {
        var body = _signer.Sign(Message(), Issuer, Now.AddDays(1), sender: "GoogleWalletPasses");

        var result = Verifier().Verify(body, Issuer);

        result.Failure.Should().BeNull();
        _logs.Lines.Should().ContainSingle(l => l.Level == LogLevel.Information && l.Message.Contains("verified with sender id GoogleWalletPasses", StringComparison.Ordinal));
    }

    [Fact]
    public void RejectsTheAlternativeSenderWhenItIsTurnedOff()
    {
        var body = _signer.Sign(Message(), Issuer, Now.AddDays(1), sender: "GoogleWalletPasses");

        var result = Verifier(o => o.AlternativeSenderId = "").Verify(body, Issuer);

        result.Failure.Should().Be("intermediateSigningKey.signatures: none verifies over signedKey with a root key for any sender tried (\"GooglePayPasses\")");
    }

    [Fact]
    public void RejectsAChangedSignedMessage()
    {
        var body = GoogleTestSigner.Tamper(Sign(), b => b["signedMessage"] = Message(objectId: $"{Issuer}.member-2"));

        Rejection(body).Should().Be($"signature over signedMessage does not verify with the intermediate key for recipient (issuer) {Issuer} and sender \"GooglePayPasses\"");
    }

    [Fact]
    public void RejectsAChangedSignedKey()
    {
        var body = GoogleTestSigner.Tamper(Sign(), b =>
        {
            var key = b["intermediateSigningKey"]!.AsObject();
            var signedKey = JsonNode.Parse(key["signedKey"]!.GetValue<string>())!.AsObject();
            signedKey["keyExpiration"] = GoogleTestSigner.Millis(Now.AddYears(5));
            key["signedKey"] = signedKey.ToJsonString();
        });

        Rejection(body).Should().Be("intermediateSigningKey.signatures: none verifies over signedKey with a root key for any sender tried (\"GooglePayPasses\", \"GoogleWalletPasses\")");
    }

    [Fact]
    public void RejectsAWrongSender()
    {
        Rejection(_signer.Sign(Message(), Issuer, Now.AddDays(1), sender: "SomeoneElse"))
            .Should().Be("intermediateSigningKey.signatures: none verifies over signedKey with a root key for any sender tried (\"GooglePayPasses\", \"GoogleWalletPasses\")");
    }

    [Fact]
    public void RejectsAMessageSignedForAnotherRecipient()
    {
        var body = _signer.Sign(Message(), "3388000000099999999", Now.AddDays(1));

        Rejection(body).Should().Be($"signature over signedMessage does not verify with the intermediate key for recipient (issuer) {Issuer} and sender \"GooglePayPasses\"");
    }

    [Fact]
    public void RejectsAnExpiredIntermediateKey()
    {
        Rejection(_signer.Sign(Message(), Issuer, Now)).Should().Be(
            "intermediateSigningKey has expired: keyExpiration 2026-06-01T12:00:00.0000000+00:00 is not after now (2026-06-01T12:00:00.0000000+00:00)");
    }

    [Fact]
    public void RejectsAnIntermediateKeyWithoutKeyExpiration()
    {
        Rejection(_signer.Sign(Message(), Issuer, keyExpiration: null)).Should().Be("intermediateSigningKey.signedKey.keyExpiration is missing");
    }

    /// <summary>A message valid for longer than the host keeps nonces (past its retention) could be replayed once its nonce
    /// was pruned: it is refused. Control: one that expires within the lifetime verifies.</summary>
    [Theory]
    [InlineData(8, false)]
    [InlineData(6, true)]
    public void RefusesAMessageValidForLongerThanItsNonceIsKept(int days, bool verifies)
    {
        var body = _signer.Sign(Message(expTimeMillis: GoogleTestSigner.Millis(Now.AddDays(days))), Issuer, Now.AddDays(10));

        var failure = Verifier().Verify(body, Issuer).Failure;

        if (verifies)
        {
            failure.Should().BeNull();
        }
        else
        {
            failure.Should().Be($"signedMessage.expTimeMillis {Now.AddDays(days):O} is more than 7 days after now ({Now:O}): its nonce would be forgotten before it expires");
        }
    }

    [Fact]
    public void RejectsAnExpiredMessage()
    {
        var body = _signer.Sign(Message(expTimeMillis: GoogleTestSigner.Millis(Now.AddMilliseconds(-1))), Issuer, Now.AddDays(1));

        Rejection(body).Should().Be(
            "signedMessage.expTimeMillis 2026-06-01T11:59:59.9990000+00:00 is not after now (2026-06-01T12:00:00.0000000+00:00): the message has expired");
    }

    [Fact]
    public void RejectsAnotherIssuersClass()
    {
        var body = _signer.Sign(Message(classId: "3388000000099999999.loyalty"), Issuer, Now.AddDays(1));

        Rejection(body).Should().Be($"signedMessage.classId \"3388000000099999999.loyalty\" does not belong to issuer {Issuer} (it must start with \"{Issuer}.\")");
    }

    [Fact]
    public void RejectsAnotherIssuersObjectAndAnIssuerIdThatIsOnlyAPrefix()
    {
        Rejection(_signer.Sign(Message(objectId: "3388000000099999999.member-1"), Issuer, Now.AddDays(1)))
            .Should().Be($"signedMessage.objectId \"3388000000099999999.member-1\" does not belong to issuer {Issuer} (it must start with \"{Issuer}.\")");
        Rejection(_signer.Sign(Message(classId: $"{Issuer}9.loyalty"), Issuer, Now.AddDays(1)))
            .Should().Be($"signedMessage.classId \"{Issuer}9.loyalty\" does not belong to issuer {Issuer} (it must start with \"{Issuer}.\")");
    }

    [Fact]
    public void RejectsAMissingNonceAndAnUnknownEventType()
    {
        Rejection(_signer.Sign(Message(nonce: ""), Issuer, Now.AddDays(1))).Should().Be("signedMessage.nonce is missing or empty");
        Rejection(_signer.Sign(Message(eventType: "update"), Issuer, Now.AddDays(1))).Should().Be("signedMessage.eventType is \"update\"; expected \"save\" or \"del\"");
    }

    [Fact]
    public void RejectsEverythingOnceTheRootKeyHasExpired()
    {
        var verifier = Verifier();
        var body = Sign();
        verifier.Verify(body, Issuer).IsValid.Should().BeTrue("the negative control: the same body verifies before the root key expires");

        _time.SetUtcNow(Now.AddDays(30));

        verifier.Verify(body, Issuer).Failure.Should().Be("every configured root key has expired (the last at 2026-06-11T12:00:00.0000000+00:00)");
    }

    [Fact]
    public void RejectsEverythingWhenNoRootKeysAreConfigured()
    {
        var verifier = new GoogleCallbackVerifier(Options.Create(new GoogleWalletOptions()), _loggers.CreateLogger<GoogleCallbackVerifier>(), _time);

        verifier.Verify(Sign(), Issuer).Failure.Should().Be("no Google root keys are configured (WalletCrew:Wallets:Google:RootKeys or RootKeysFile)");
    }

    [Theory]
    [InlineData("{\"signature\":", "body is not JSON: Expected depth to be zero at the end of the JSON payload. There is an open JSON object or array that should be closed. LineNumber: 0 | BytePositionInLine: 13.")]
    [InlineData("", "body is not JSON: it is empty")]
    [InlineData("[1]", "body is a JSON array, not an object")]
    [InlineData("{\"protocolVersion\":\"ECv2\"}", "protocolVersion is \"ECv2\"; expected \"ECv2SigningOnly\"")]
    [InlineData("{\"protocolVersion\":\"ECv2SigningOnly\",\"signedMessage\":\"{}\",\"signature\":\"not base64!\"}", "signature is missing or not base64")]
    [InlineData("{\"protocolVersion\":\"ECv2SigningOnly\",\"signedMessage\":\"{}\",\"signature\":\"AA==\"}", "intermediateSigningKey is missing or not an object")]
    [InlineData("{\"protocolVersion\":\"ECv2SigningOnly\",\"signedMessage\":\"{}\",\"signature\":\"AA==\",\"intermediateSigningKey\":{\"signedKey\":\"{}\",\"signatures\":[]}}", "intermediateSigningKey.signatures is missing, empty, or holds a value that is not base64")]
    [InlineData("{\"protocolVersion\":\"ECv2SigningOnly\",\"signedMessage\":\"{}\",\"signature\":\"AA==\",\"intermediateSigningKey\":{\"signedKey\":\"{}\",\"signatures\":[\"AA==\"],\"extra\":1}}", "intermediateSigningKey must hold exactly signedKey and signatures")]
    [InlineData("{\"protocolVersion\":\"ECv2SigningOnly\",\"signedMessage\":\"{}\",\"signature\":\"AA==\",\"intermediateSigningKey\":{\"signedKey\":\"{}\",\"signatures\":[\"AA==\"]}}", "intermediateSigningKey.signatures: none verifies over signedKey with a root key for any sender tried (\"GooglePayPasses\", \"GoogleWalletPasses\")")]
    public void RejectsAMalformedBodyWithoutThrowing(string body, string failure)
    {
        Rejection(body).Should().Be(failure);
    }

    [Fact]
    public void TriesEveryIntermediateKeySignature()
    {
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var foreign = Convert.ToBase64String(other.SignData([1, 2, 3], HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
        var body = GoogleTestSigner.Tamper(Sign(), b => b["intermediateSigningKey"]!["signatures"]!.AsArray().Insert(0, foreign));

        Verifier().Verify(body, Issuer).Failure.Should().BeNull();
    }

    /// <summary>
    /// Each intermediate-key signature costs a verification per root key and sender, so a body may carry at most eight: more
    /// are refused before any is checked (the body limit let thousands in). Control: eight, the valid one last, verify.
    /// </summary>
    [Theory]
    [InlineData(7, true)]
    [InlineData(8, false)]
    public void AtMostEightIntermediateKeySignaturesAreRead(int foreignSignatures, bool verifies)
    {
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var foreign = Convert.ToBase64String(other.SignData([1, 2, 3], HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
        var body = GoogleTestSigner.Tamper(Sign(), b =>
        {
            for (var i = 0; i < foreignSignatures; i++)
            {
                b["intermediateSigningKey"]!["signatures"]!.AsArray().Insert(0, foreign);
            }
        });

        var failure = Verifier().Verify(body, Issuer).Failure;

        if (verifies)
        {
            failure.Should().BeNull();
        }
        else
        {
            failure.Should().Contain("intermediateSigningKey.signatures holds 9 signatures; at most 8 are read");
        }
    }

    public void Dispose()
    {
        _signer.Dispose();
        _loggers.Dispose();
        _logs.Dispose();
    }

    private static string Message(
        JsonNode? expTimeMillis = null, string eventType = "save", string classId = $"{Issuer}.loyalty", string objectId = $"{Issuer}.member-1", string nonce = "nonce-1") =>
        GoogleTestSigner.Message(classId, objectId, eventType, expTimeMillis ?? GoogleTestSigner.Millis(Now.AddMinutes(5)), nonce);

    private string Sign() => _signer.Sign(Message(), Issuer, Now.AddDays(1));

    private string? Rejection(string body)
    {
        var result = Verifier().Verify(body, Issuer);
        result.IsValid.Should().BeFalse();
        result.Callback.Should().BeNull();
        return result.Failure;
    }

    private GoogleCallbackVerifier Verifier(Action<GoogleWalletOptions>? configure = null)
    {
        var options = new GoogleWalletOptions { RootKeys = _signer.RootKeysJson(Now.AddDays(10)) };
        configure?.Invoke(options);
        return new GoogleCallbackVerifier(Options.Create(options), _loggers.CreateLogger<GoogleCallbackVerifier>(), _time);
    }
}
