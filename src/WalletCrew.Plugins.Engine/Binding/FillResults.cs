using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

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
        _ => JsonSerializer.SerializeToNode(value, value.GetType(), ResultOptions) as JsonObject ?? throw NotAnObject(value),
    };

    private static readonly JsonSerializerOptions ResultOptions = new() { Converters = { new NoAwaitables() } };

    /// <summary>
    /// Copies a connector's result into a fresh tree of plain JSON values: what the host keeps holds no connector object,
    /// converter or node the connector can still change, so using it later runs no tenant code.
    /// </summary>
    /// <remarks>Nesting is bounded as JSON read from a request is (<see cref="JsonSerializerOptions.MaxDepth"/>'s default).</remarks>
    public static JsonObject Inert(JsonObject result)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { MaxDepth = MaxDepth }))
        {
            result.WriteTo(writer);
        }

        return JsonNode.Parse(buffer.WrittenSpan, documentOptions: new JsonDocumentOptions { MaxDepth = MaxDepth })!.AsObject();
    }

    /// <summary>The deepest nesting a result may have (<see cref="JsonSerializerOptions.MaxDepth"/>'s default, as JSON read from a request).</summary>
    public const int MaxDepth = 64;

    /// <summary>
    /// Refuses a task in a result: serializing one reads its Result, which blocks the calling thread until the task ends, and a
    /// TaskCompletionSource's that is never set never does (no deadline reaches a thread blocked inside the serializer).
    /// </summary>
    private sealed class NoAwaitables : JsonConverterFactory
    {
        public override bool CanConvert(Type typeToConvert) =>
            typeof(Task).IsAssignableFrom(typeToConvert)
            || typeToConvert == typeof(ValueTask)
            || (typeToConvert.IsGenericType && typeToConvert.GetGenericTypeDefinition() == typeof(ValueTask<>));

        public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
            (JsonConverter)Activator.CreateInstance(typeof(Refusal<>).MakeGenericType(typeToConvert))!;

        private sealed class Refusal<T> : JsonConverter<T>
        {
            public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => throw new NotSupportedException();

            public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) =>
                throw new InvalidOperationException($"Fill returned data holding a {TypeNames.Of(typeof(T))}; await it and return its value (writing a task out would wait for it).");
        }
    }

    private static InvalidOperationException NotAnObject(object value) =>
        new($"Fill returned {TypeNames.Of(value.GetType())}, which is not a JSON object; return a dictionary, an anonymous object, a JsonObject or a FillResult.");
}
