using System.Reflection;
using System.Text.Json;

namespace WalletCrew.Plugins.Engine.Reload;

/// <summary>
/// Clears process-wide caches known to keep unloaded connector code alive on .NET 10 (research/plugins-unloading.md §4):
/// System.Text.Json's reflection metadata caches hold every type they serialized, connector types included.
/// </summary>
internal static class UnloadHazards
{
    // Internal API (also used by Unity and Godot for the same reason); its shape is pinned by a test on every runtime bump.
    private static readonly MethodInfo? ClearJsonCache = typeof(JsonSerializerOptions).Assembly
        .GetType("System.Text.Json.JsonSerializerOptionsUpdateHandler")
        ?.GetMethod("ClearCache", BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static, [typeof(Type[])]);

    public static bool CanClearJsonCache => ClearJsonCache is not null;

    public static void ClearAfterUnload()
    {
        try
        {
            ClearJsonCache?.Invoke(null, [null]);
        }
        catch (TargetInvocationException)
        {
            // Best effort: a cache we could not clear shows up as a zombie, not as a failure.
        }
    }
}
