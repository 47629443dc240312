namespace WalletCrew.Plugins.Host.Wallets.Google;

/// <summary>The outcome of verifying a callback: the message when valid, otherwise a failure naming what was wrong.</summary>
internal sealed record GoogleVerification(GoogleCallback? Callback, string? Failure)
{
    public bool IsValid => Callback is not null;

    public static GoogleVerification Valid(GoogleCallback callback) => new(callback, null);

    public static GoogleVerification Invalid(string failure) => new(null, failure);
}
