using System.Text.Json;

namespace WalletCrew.Plugins.Host.Fill;

/// <summary>The Fill body: <c>{"passId":…,"passType":…,"identifiers":{…},"data":{…}}</c>.</summary>
internal sealed class FillRequestBody
{
    public string? PassId { get; set; }

    public string? PassType { get; set; }

    public Dictionary<string, string>? Identifiers { get; set; }

    public Dictionary<string, JsonElement>? Data { get; set; }
}
