using System.Text.Json.Nodes;

namespace WalletCrew.Plugins.Host.Fill;

/// <summary>The 200 body: <c>{"data":{…}}</c>, the data to merge into the pass.</summary>
internal sealed record FillResponse(JsonObject Data);
