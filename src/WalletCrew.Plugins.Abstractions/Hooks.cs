namespace WalletCrew.Plugins;

/// <summary>A map from a contract's member name (such as <c>OnPassInstalled</c>) to the function that implements it.</summary>
/// <remarks>Names match case-insensitively. Each function may declare any prefix of the member's documented parameters.</remarks>
public sealed class Hooks : Dictionary<string, Delegate>
{
    /// <summary>Initializes an empty map whose names compare case-insensitively.</summary>
    public Hooks()
        : base(StringComparer.OrdinalIgnoreCase)
    {
    }
}
