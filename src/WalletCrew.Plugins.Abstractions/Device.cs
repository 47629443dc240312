namespace WalletCrew.Plugins;

/// <summary>The wallet a pass was installed in.</summary>
public enum Device
{
    /// <summary>Apple Wallet (<c>"apple"</c>).</summary>
    Apple,

    /// <summary>Google Wallet (<c>"google"</c>).</summary>
    Google,
}
