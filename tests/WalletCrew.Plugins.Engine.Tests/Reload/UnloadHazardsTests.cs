using WalletCrew.Plugins.Engine.Reload;

namespace WalletCrew.Plugins.Engine.Tests.Reload;

/// <summary>
/// Pins the shape of the runtime's internal System.Text.Json cache clearer that unloading relies on: a runtime that renames
/// it fails here by name, instead of only as zombie contexts in the unload tests (the "json" style of <c>ScriptUnloadTests</c>).
/// </summary>
public sealed class UnloadHazardsTests
{
    [Fact]
    public void TheRuntimesJsonCacheClearerIsFound() =>
        UnloadHazards.CanClearJsonCache.Should().BeTrue(
            "System.Text.Json.JsonSerializerOptionsUpdateHandler.ClearCache(Type[]) is what frees unloaded connector types from the serializer's caches");
}
