using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace WalletCrew.Plugins.Host.Wallets.Google;

/// <summary>
/// Verifies a Google Wallet save/delete callback (<c>ECv2SigningOnly</c>, as Tink's <c>PaymentMethodTokenRecipient</c>): the intermediate
/// key against the root keys, its expiry, the message signature for the issuer, then the message itself. Never throws on bad input.
/// </summary>
internal sealed partial class GoogleCallbackVerifier
{
    private readonly IReadOnlyList<GoogleRootKey> _rootKeys;
    private readonly string[] _senders;
    private readonly ILogger<GoogleCallbackVerifier> _logger;
    private readonly TimeProvider _time;

    public GoogleCallbackVerifier(IOptions<GoogleWalletOptions> options, ILogger<GoogleCallbackVerifier> logger, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = options.Value;
        var (keys, errors) = GoogleRootKeyDocument.Load(settings);
        if (errors.Count > 0)
        {
            throw new OptionsValidationException(GoogleWalletDefaults.Section, typeof(GoogleWalletOptions), errors);
        }

        _rootKeys = keys;
        _senders = string.IsNullOrEmpty(settings.AlternativeSenderId) || settings.AlternativeSenderId == settings.SenderId
            ? [settings.SenderId]
            : [settings.SenderId, settings.AlternativeSenderId];
        _logger = logger;
        _time = time;
    }

    private enum Stage
    {
        IntermediateSignature,
        MessageSignature,
    }

    public GoogleVerification Verify(string body, string issuerId)
    {
        if (string.IsNullOrEmpty(issuerId))
        {
            return GoogleVerification.Invalid("no issuer id to verify the callback for");
        }

        var envelope = GoogleCallbackEnvelope.Read(body ?? string.Empty, out var failure);
        if (envelope is null)
        {
            return GoogleVerification.Invalid(failure!);
        }

        var now = _time.GetUtcNow();
        var roots = _rootKeys.Where(k => k.Expiration > now).ToList();
        if (roots.Count == 0)
        {
            return GoogleVerification.Invalid(_rootKeys.Count == 0
                ? $"no Google root keys are configured ({GoogleWalletDefaults.Section}:RootKeys or RootKeysFile)"
                : $"every configured root key has expired (the last at {Iso(_rootKeys.Max(k => k.Expiration))})");
        }

        // The sender id is part of the signed bytes, so a wrong one fails a signature; report the furthest stage any sender reached.
        var furthest = (Stage: Stage.IntermediateSignature, Sender: _senders[0]);
        foreach (var sender in _senders)
        {
            var keyBytes = GoogleSignedBytes.LengthValue(sender, GoogleWalletDefaults.ProtocolVersion, envelope.SignedKey);
            if (!roots.Any(root => envelope.KeySignatures.Any(signature => GoogleSignedBytes.Verifies(root.SubjectPublicKeyInfo, keyBytes, signature))))
            {
                continue;
            }

            var key = GoogleIntermediateKey.Read(envelope.SignedKey, out failure);
            if (key is null)
            {
                return GoogleVerification.Invalid(failure!);
            }

            if (key.Expiration <= now)
            {
                return GoogleVerification.Invalid($"intermediateSigningKey has expired: keyExpiration {Iso(key.Expiration)} is not after now ({Iso(now)})");
            }

            var messageBytes = GoogleSignedBytes.LengthValue(sender, issuerId, GoogleWalletDefaults.ProtocolVersion, envelope.SignedMessage);
            if (!GoogleSignedBytes.Verifies(key.SubjectPublicKeyInfo, messageBytes, envelope.Signature))
            {
                furthest = furthest.Stage == Stage.MessageSignature ? furthest : (Stage.MessageSignature, sender);
                continue;
            }

            LogSenderMatched(sender, issuerId);
            var callback = GoogleCallbackMessage.Read(envelope.SignedMessage, issuerId, now, out failure);
            return callback is null ? GoogleVerification.Invalid(failure!) : GoogleVerification.Valid(callback);
        }

        var tried = string.Join(", ", _senders.Select(s => $"\"{s}\""));
        return GoogleVerification.Invalid(furthest.Stage == Stage.MessageSignature
            ? $"signature over signedMessage does not verify with the intermediate key for recipient (issuer) {issuerId} and sender \"{furthest.Sender}\""
            : $"intermediateSigningKey.signatures: none verifies over signedKey with a root key for any sender tried ({tried})");
    }

    private static string Iso(DateTimeOffset time) => time.ToString("O", CultureInfo.InvariantCulture);

    [LoggerMessage(Level = LogLevel.Information, Message = "Google Wallet callback for issuer {IssuerId} verified with sender id {SenderId}.")]
    private partial void LogSenderMatched(string senderId, string issuerId);
}
