using System.Text.Json;
using System.Text.Json.Nodes;

namespace WalletCrew.Plugins.Engine.Binding;

/// <summary>Turns what a <c>Fill</c> function returned into the JSON object to merge into the pass.</summary>
internal static class FillResults
{
    public static async Task<JsonObject> FromTask<T>(Task<T> task) => ToJsonObject(await task.ConfigureAwait(false));

    public static async Task<JsonObject> FromValueTask<T>(ValueTask<T> task) => ToJsonObject(await task.ConfigureAwait(false));

    public static Task<JsonObject> FromValue(object? value) => Task.FromResult(ToJsonObject(value));

    public static JsonObject ToJsonObject(object? value) => value switch
    {
        FillResult result => result.Data,
        JsonObject json => json,
        JsonElement { ValueKind: JsonValueKind.Object } element => JsonObject.Create(element)!,
        null => throw new InvalidOperationException("Fill returned null; return the data to merge, e.g. new { points = 120 }."),
        string or JsonNode or JsonElement or System.Collections.IEnumerable when value is not System.Collections.IDictionary => throw NotAnObject(value),
        _ => JsonSerializer.SerializeToNode(value, value.GetType()) as JsonObject ?? throw NotAnObject(value),
    };

    private static InvalidOperationException NotAnObject(object value) =>
        new($"Fill returned {TypeNames.Of(value.GetType())}, which is not a JSON object; return a dictionary, an anonymous object, a JsonObject or a FillResult.");
}
