using System.Buffers;
using System.Collections;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace WalletCrew.Plugins.Engine.Fetch;

/// <summary>Writes a body object as JSON with property names as written, without System.Text.Json's reflection serializer.</summary>
/// <remarks>The serializer's metadata caches pin collectible contexts on .NET 10 (research: plugins-unloading §4, blocker 1),
/// so tenant types are walked here with <see cref="ObjectMembers"/> instead. Enums are written as lowercase names, as in forms.</remarks>
internal static class JsonBodyWriter
{
    public static byte[] Write(object body)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteValue(writer, body, 0);
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteValue(Utf8JsonWriter writer, object? value, int depth)
    {
        if (depth > FetchDefaults.MaxBodyDepth)
        {
            throw FetchErrors.BodyTooDeep(FetchDefaults.MaxBodyDepth);
        }

        switch (value)
        {
            case null:
                writer.WriteNullValue();
                return;
            case JsonElement element:
                element.WriteTo(writer);
                return;
            case JsonNode node:
                node.WriteTo(writer);
                return;
            case JsonDocument document:
                document.WriteTo(writer);
                return;
            case bool b:
                writer.WriteBooleanValue(b);
                return;
            case byte[] bytes:
                writer.WriteBase64StringValue(bytes);
                return;
            case float or double or Half:
                var number = value switch { float f => f, Half h => (double)h, _ => (double)value };
                writer.WriteNumberValue(double.IsFinite(number) ? number : throw FetchErrors.BodyNumberNotFinite(value));
                return;
            case decimal d:
                writer.WriteNumberValue(d);
                return;
            case ulong u:
                writer.WriteNumberValue(u);
                return;
            case byte or sbyte or short or ushort or int or uint or long:
                writer.WriteNumberValue(Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture));
                return;
            case Int128 or UInt128 or System.Numerics.BigInteger:
                ScalarText.TryFormat(value, out var big);
                writer.WriteRawValue(big);
                return;
        }

        if (ScalarText.TryFormat(value, out var text))
        {
            writer.WriteStringValue(text);
        }
        else if (ObjectMembers.IsMap(value) || value is not IEnumerable)
        {
            writer.WriteStartObject();
            foreach (var (name, member) in ObjectMembers.Enumerate(value))
            {
                writer.WritePropertyName(name);
                WriteValue(writer, member, depth + 1);
            }

            writer.WriteEndObject();
        }
        else
        {
            writer.WriteStartArray();
            foreach (var item in (IEnumerable)value)
            {
                WriteValue(writer, item, depth + 1);
            }

            writer.WriteEndArray();
        }
    }
}
