using System.Text.Json;
using System.Text.Json.Serialization;

namespace WalletCrew.Plugins.Engine.Sandbox;

/// <summary>The channel's serializer: System.Text.Json, source-generated, so neither side reflects over message types.</summary>
[JsonSourceGenerationOptions(UseStringEnumConverter = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(WorkerMessage))]
[JsonSerializable(typeof(SavedTenantState))]
[JsonSerializable(typeof(IReadOnlyDictionary<string, JsonElement>))]
internal sealed partial class WorkerJson : JsonSerializerContext;
