using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace WalletCrew.Plugins.Host.Problems;

/// <summary>
/// Reads a JSON request body within the size limit and turns every failure into a ProblemDetails naming the
/// field or the position: empty, not JSON, too large, unknown field, wrong type.
/// </summary>
internal static class JsonBodyReader
{
    private static readonly JsonSerializerOptions s_options = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        NumberHandling = JsonNumberHandling.Strict,
    };

    // For bodies another party defines (the wallets'), which may grow fields we do not read.
    private static readonly JsonSerializerOptions s_lenient = new(JsonSerializerDefaults.Web) { NumberHandling = JsonNumberHandling.Strict };

    /// <param name="allowUnknownFields">Whether fields <typeparamref name="T"/> does not have are ignored instead of rejected.</param>
    public static async Task<(T? Value, ProblemHttpResult? Problem)> ReadAsync<T>(HttpRequest request, int limit, CancellationToken cancellationToken, bool allowUnknownFields = false)
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
                ? (null, Problems.MalformedJson("$", "The request body is 'null'; send a JSON object."))
                : (value, null);
        }
        catch (JsonException exception)
        {
            return (null, Describe(exception));
        }
    }

    /// <summary>Reads a non-empty JSON body's bytes within the size limit, for a caller that parses them itself (a signed body).</summary>
    public static async Task<(byte[] Body, ProblemHttpResult? Problem)> ReadBytesAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit)
        {
            return ([], Problems.TooLarge(request.ContentLength, limit));
        }

        if (request.ContentType is { } contentType
            && (!MediaTypeHeaderValue.TryParse(contentType, out var media) || !(media.MediaType.Value ?? "").Contains("json", StringComparison.OrdinalIgnoreCase)))
        {
            return ([], Problems.UnsupportedMediaType(contentType));
        }

        byte[] body;
        try
        {
            body = await ReadLimitedAsync(request.Body, limit, cancellationToken).ConfigureAwait(false);
        }
        catch (BadHttpRequestException exception) when (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return ([], Problems.TooLarge(null, limit));
        }

        if (body.Length > limit)
        {
            return ([], Problems.TooLarge(null, limit));
        }

        return body.Length == 0 ? ([], Problems.MalformedJson("$", "The request body is empty; send a JSON object.")) : (body, null);
    }

    private static ProblemHttpResult Describe(JsonException exception)
    {
        var path = exception.Path is null or "$" ? "$" : exception.Path.StartsWith("$.", StringComparison.Ordinal) ? exception.Path[2..] : exception.Path;
        var where = exception.LineNumber is { } line ? $" (line {line + 1}, position {exception.BytePositionInLine + 1})" : "";
        var message = exception.Message;
        if (message.Contains("could not be mapped", StringComparison.Ordinal))
        {
            return Problems.MalformedJson(path, $"Unknown field '{path}'{where}; check its spelling.");
        }

        if (message.Contains("could not be converted", StringComparison.Ordinal))
        {
            return Problems.MalformedJson(path, $"Field '{path}' has a value of the wrong type{where}.");
        }

        // A syntax error: keep the parser's first sentence, which says what it found, not which .NET type it wanted.
        var first = message.Split(" Path:", 2)[0].Split(" LineNumber:", 2)[0].Trim();
        return Problems.MalformedJson(path, $"The body is not valid JSON{where}: {first}");
    }

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
