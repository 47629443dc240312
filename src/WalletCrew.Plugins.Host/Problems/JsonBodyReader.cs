using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace WalletCrew.Plugins.Host.Problems;

/// <summary>
/// Reads a JSON request body within the size limit and turns every failure into a ProblemDetails naming the
/// field or the position: empty, not JSON, too large, unknown field, wrong type.
/// </summary>
internal static class JsonBodyReader
{
    // The resolver is named so the options' metadata can be read (Describe) before any body was deserialized with them.
    private static readonly JsonSerializerOptions s_options = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        NumberHandling = JsonNumberHandling.Strict,
        TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
    };

    // For bodies another party defines (the wallets'), which may grow fields we do not read.
    private static readonly JsonSerializerOptions s_lenient = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = JsonNumberHandling.Strict,
        TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
    };

    /// <param name="allowUnknownFields">Whether fields <typeparamref name="T"/> does not have are ignored instead of rejected.</param>
    public static async Task<(T? Value, ProblemHttpResult? Problem)> ReadAsync<T>(HttpRequest request, BodyLimit limit, CancellationToken cancellationToken, bool allowUnknownFields = false)
        where T : class
    {
        var (body, problem) = await ReadBytesAsync(request, limit, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            return (null, problem);
        }

        try
        {
            var value = JsonSerializer.Deserialize<T>(body, allowUnknownFields ? s_lenient : s_options);
            return value is null
                ? (null, ApiProblems.MalformedJson("$", "The request body is 'null'; send a JSON object."))
                : (value, null);
        }
        catch (JsonException exception)
        {
            return (null, Describe(exception, body, typeof(T)));
        }
    }

    /// <summary>Reads a non-empty JSON body's bytes within the size limit, for a caller that parses them itself (a signed body).</summary>
    public static async Task<(byte[] Body, ProblemHttpResult? Problem)> ReadBytesAsync(HttpRequest request, BodyLimit limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit.Bytes)
        {
            return ([], ApiProblems.TooLarge(request.ContentLength, limit));
        }

        if (request.ContentType is { } contentType
            && (!MediaTypeHeaderValue.TryParse(contentType, out var media) || !(media.MediaType.Value ?? "").Contains("json", StringComparison.OrdinalIgnoreCase)))
        {
            return ([], ApiProblems.UnsupportedMediaType(contentType));
        }

        byte[] body;
        try
        {
            body = await ReadLimitedAsync(request.Body, limit.Bytes, cancellationToken).ConfigureAwait(false);
        }
        catch (BadHttpRequestException exception) when (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return ([], ApiProblems.TooLarge(null, limit));
        }

        if (body.Length > limit.Bytes)
        {
            return ([], ApiProblems.TooLarge(null, limit));
        }

        return body.Length == 0 ? ([], ApiProblems.MalformedJson("$", "The request body is empty; send a JSON object.")) : (body, null);
    }

    // What failed is told from the body and the target type's metadata, never from the exception's wording: a body that
    // does not parse is a syntax error; otherwise the path names a field, which the type either has (its value is of the
    // wrong type) or does not (an unknown field).
    private static ProblemHttpResult Describe(JsonException exception, byte[] body, Type target)
    {
        var path = exception.Path is null or "$" ? "$" : exception.Path.StartsWith("$.", StringComparison.Ordinal) ? exception.Path[2..] : exception.Path;
        var where = exception.LineNumber is { } line ? $" (line {line + 1}, position {exception.BytePositionInLine + 1})" : "";
        var (root, syntax) = Parse(body);
        if (syntax is not null)
        {
            // Keep the parser's first sentence, which says what it found.
            var first = syntax.Message.Split(" Path:", 2)[0].Split(" LineNumber:", 2)[0].Trim();
            return ApiProblems.MalformedJson(path, $"The body is not valid JSON{where}: {first}");
        }

        if (path == "$")
        {
            return ApiProblems.MalformedJson(path, $"The body is {Naming(root)}; send a JSON object.");
        }

        return HasMember(s_options.GetTypeInfo(target), exception.Path ?? "$")
            ? ApiProblems.MalformedJson(path, $"Field '{path}' has a value of the wrong type{where}.")
            : ApiProblems.MalformedJson(path, $"Unknown field '{path}'{where}; check its spelling.");
    }

    private static (JsonValueKind Root, JsonException? Syntax) Parse(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return (document.RootElement.ValueKind, null);
        }
        catch (JsonException exception)
        {
            return (JsonValueKind.Undefined, exception);
        }
    }

    private static string Naming(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "not an object",
    };

    /// <summary>Whether every step of a JSON path (<c>$.a.b[0]['c d']</c>) names a member of the type it steps into.</summary>
    internal static bool HasMember(JsonTypeInfo root, string path)
    {
        var type = root;
        var rest = path.AsSpan(1);
        while (!rest.IsEmpty)
        {
            string? name = null;
            if (rest[0] == '.')
            {
                var stop = rest[1..].IndexOfAny('.', '[');
                name = (stop < 0 ? rest[1..] : rest.Slice(1, stop)).ToString();
                rest = stop < 0 ? [] : rest[(stop + 1)..];
            }
            else if (rest.StartsWith("['"))
            {
                var stop = rest.IndexOf("']");
                if (stop < 0)
                {
                    return true;
                }

                name = rest[2..stop].ToString();
                rest = rest[(stop + 2)..];
            }
            else if (rest[0] == '[')
            {
                var stop = rest.IndexOf(']');
                rest = stop < 0 ? [] : rest[(stop + 1)..];
            }
            else
            {
                return true;
            }

            var next = Step(type, name);
            if (next is null)
            {
                return false;
            }

            type = next;
        }

        return true;
    }

    // The type a named step (or, with no name, an index) leads to; null when an object has no such member.
    private static JsonTypeInfo? Step(JsonTypeInfo type, string? name) => type.Kind switch
    {
        JsonTypeInfoKind.Object when name is not null => type.Properties.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)) is { } property
            ? type.Options.GetTypeInfo(property.PropertyType)
            : null,
        JsonTypeInfoKind.Dictionary or JsonTypeInfoKind.Enumerable when type.ElementType is { } element => type.Options.GetTypeInfo(element),
        _ => type,
    };

    // A pooled chunk: ingest bodies are a few hundred bytes, and a fresh 16 KB array per request was the largest
    // allocation of an ingest.
    private static async Task<byte[]> ReadLimitedAsync(Stream body, int limit, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = await body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                buffer.Write(chunk, 0, read);
                if (buffer.Length > limit)
                {
                    break;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        return buffer.ToArray();
    }
}
