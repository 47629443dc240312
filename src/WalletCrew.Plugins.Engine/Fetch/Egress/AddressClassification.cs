namespace WalletCrew.Plugins.Engine.Fetch.Egress;

/// <summary>The verdict of <see cref="AddressClassifier"/> on one address.</summary>
/// <param name="Category">What kind of destination it is.</param>
/// <param name="Description">Why, for error messages, e.g. <c>is in the loopback range 127.0.0.0/8</c>; empty when public.</param>
internal readonly record struct AddressClassification(AddressCategory Category, string Description)
{
    /// <summary>Gets the verdict for a public address.</summary>
    public static AddressClassification Public { get; } = new(AddressCategory.Public, "");
}
