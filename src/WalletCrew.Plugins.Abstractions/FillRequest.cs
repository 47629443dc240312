using System.Text.Json;

namespace WalletCrew.Plugins;

/// <summary>A pass to fill with data from the tenant's systems.</summary>
public sealed class FillRequest
{
    internal FillRequest(
        string tenantId,
        string passId,
        string passType,
        IReadOnlyDictionary<string, string> identifiers,
        IReadOnlyDictionary<string, JsonElement> data)
    {
        TenantId = tenantId;
        PassId = passId;
        PassType = passType;
        Identifiers = ReadOnlyCopies.Of(identifiers);
        Data = ReadOnlyCopies.Of(data);
    }

    /// <summary>Gets the tenant the pass belongs to.</summary>
    public string TenantId { get; }

    /// <summary>Gets the pass's unique identifier.</summary>
    public string PassId { get; }

    /// <summary>Gets the pass type.</summary>
    public string PassType { get; }

    /// <summary>Gets the key/value identifiers defined on the pass.</summary>
    public IReadOnlyDictionary<string, string> Identifiers { get; }

    /// <summary>Gets the pass's current data.</summary>
    public IReadOnlyDictionary<string, JsonElement> Data { get; }
}
