namespace WalletCrew.Plugins.Host.Wallets.Google;

/// <summary>The Google Wallet callback's fixed names and the defaults of its settings, in one place.</summary>
internal static class GoogleWalletDefaults
{
    /// <summary>The configuration section of <see cref="GoogleWalletOptions"/>.</summary>
    public const string Section = "WalletCrew:Wallets:Google";

    /// <summary>The only protocol a pass callback uses; it is also part of the signed bytes.</summary>
    public const string ProtocolVersion = "ECv2SigningOnly";

    /// <summary>The sender id every known verifier uses (Google's generic, event, offer and loyalty pages).</summary>
    public const string SenderId = "GooglePayPasses";

    /// <summary>The sender id some newer Google pages name (gift cards, boarding passes, transit); tried once when the first fails.</summary>
    public const string AlternativeSenderId = "GoogleWalletPasses";

    /// <summary>
    /// The longest a callback may stay valid (its <c>expTimeMillis</c> past its receipt): a longer one is refused, and a
    /// nonce is kept this much past the retention period, so no message outlives the nonce that makes its replay a
    /// duplicate, however short the retention.
    /// </summary>
    public static readonly TimeSpan CallbackLifetime = TimeSpan.FromDays(7);

    /// <summary>Where Google publishes the root keys; documentation only, the host never fetches it.</summary>
    public const string KeyUrl = "https://pay.google.com/gp/m/issuer/keys";
}
