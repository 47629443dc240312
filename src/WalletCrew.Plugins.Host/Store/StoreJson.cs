using System.Text.Json;

namespace WalletCrew.Plugins.Host.Store;

/// <summary>How the store serialises identifiers, sources and log lines into text columns.</summary>
internal static class StoreJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}
