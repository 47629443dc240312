using WalletCrew.Plugins.Host.Store;

namespace WalletCrew.Plugins.Host.Wallets.Passes;

/// <summary>A registration's source: what the platform put on the pass (tags, medium, origin) and the registering device's <c>User-Agent</c>.</summary>
internal static class RegistrationSources
{
    public const int MaxUserAgentLength = 512;

    public static RegistrationSourceData? For(WalletPass pass, string? userAgent)
    {
        var agent = string.IsNullOrWhiteSpace(userAgent) ? null : userAgent.Length > MaxUserAgentLength ? userAgent[..MaxUserAgentLength] : userAgent;
        return pass.Source is null && agent is null
            ? null
            : new RegistrationSourceData(pass.Source?.Tags ?? [], pass.Source?.Medium, pass.Source?.Origin, agent);
    }
}
