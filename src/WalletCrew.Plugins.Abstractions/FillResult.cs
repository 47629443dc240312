using System.Text.Json.Nodes;

namespace WalletCrew.Plugins;

/// <summary>The data a customer provider merges into a pass.</summary>
public sealed class FillResult
{
    /// <summary>Initializes a result with the data to merge.</summary>
    /// <param name="data">The data to merge into the pass.</param>
    public FillResult(JsonObject data)
    {
        ArgumentNullException.ThrowIfNull(data);
        Data = data;
    }

    /// <summary>Gets the data to merge into the pass.</summary>
    public JsonObject Data { get; }
}
