using System.Text.Json.Nodes;

namespace WalletCrew.Plugins.Engine.Binding;

/// <summary>A customer provider bound to the typed contract.</summary>
/// <param name="Source">The connector file that registered it.</param>
/// <param name="Name">The provider's name.</param>
/// <param name="Fill">Runs <c>Fill</c> and returns the data to merge.</param>
/// <param name="RunsInline">Whether its code carries checkpoints, so it may run on the caller's thread.</param>
internal sealed record BoundCustomerProvider(
    string Source,
    string Name,
    Func<FillRequest, CancellationToken, Task<JsonObject>> Fill,
    bool RunsInline = false);
