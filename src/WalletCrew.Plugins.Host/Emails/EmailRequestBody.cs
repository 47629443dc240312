using System.Text.Json;

namespace WalletCrew.Plugins.Host.Emails;

/// <summary>The email body: <c>{"recipient":…,"emailTemplate":…,"data":{…},"cultures":[…]}</c>.</summary>
internal sealed class EmailRequestBody
{
    public string? Recipient { get; set; }

    public string? EmailTemplate { get; set; }

    public Dictionary<string, JsonElement>? Data { get; set; }

    public List<string>? Cultures { get; set; }
}
