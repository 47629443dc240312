using System.Text.Json;
using System.Text.Json.Serialization;

namespace WalletCrew.Plugins.Engine.Sandbox;

/// <summary>
/// The channel's serializer: System.Text.Json, source-generated, so neither side reflects over message types. A message
/// missing a field its type requires, or holding null where its type has none, is not a message (a fetch without a method
/// reached the host's code as null); so every field is written, nulls included, and only those with a default may be left out.
/// </summary>
[JsonSourceGenerationOptions(UseStringEnumConverter = true, RespectNullableAnnotations = true, RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(WorkerMessage))]
[JsonSerializable(typeof(SavedTenantState))]
[JsonSerializable(typeof(IReadOnlyDictionary<string, JsonElement>))]
internal sealed partial class WorkerJson : JsonSerializerContext;
