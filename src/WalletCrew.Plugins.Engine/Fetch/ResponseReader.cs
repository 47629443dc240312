using System.Buffers;
using System.Text;

namespace WalletCrew.Plugins.Engine.Fetch;

/// <summary>Reads an answer into a <see cref="FetchResponse"/>, stopping as soon as the body passes its limit.</summary>
internal static class ResponseReader
{
    /// <exception cref="FetchLimitExceededException">The body is over <paramref name="maxBodyBytes"/>.</exception>
    public static async Task<FetchResponse> ReadAsync(
        HttpResponseMessage response, string method, string url, int maxBodyBytes, CancellationToken cancellationToken)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            var value = string.Join(", ", values);
            headers[name] = headers.TryGetValue(name, out var earlier) ? $"{earlier}, {value}" : value;
        }

        if (response.Content.Headers.ContentLength is long declared && declared > maxBodyBytes)
        {
            throw FetchErrors.ResponseBodyTooLarge(method, url, maxBodyBytes, declared, declared: true);
        }

        var body = await ReadTextAsync(response.Content, method, url, maxBodyBytes, cancellationToken).ConfigureAwait(false);
        return new FetchResponse((int)response.StatusCode, response.ReasonPhrase ?? "", headers, body);
    }

    // The bytes go to a pooled buffer (sized from Content-Length when given) and only the decoded text is kept: most
    // partner answers are a few hundred bytes, and a fresh 16 KB array per call was the largest allocation of a delivery.
    private static async Task<string> ReadTextAsync(HttpContent content, string method, string url, int limit, CancellationToken cancellationToken)
    {
        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using var _ = stream.ConfigureAwait(false);
        var initial = content.Headers.ContentLength is long declared ? declared + 1 : 16 * 1024;
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(limit + 1L, Math.Max(initial, 256)));
        try
        {
            var total = 0;
            while (true)
            {
                if (total == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)limit + 1, buffer.Length * 2L));
                    buffer.AsSpan(0, total).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                // Never ask for more than one byte past the limit: that byte proves the breach, and nothing more is read.
                var read = await stream.ReadAsync(buffer.AsMemory(total, Math.Min(buffer.Length, limit + 1) - total), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    return Decode(new ArraySegment<byte>(buffer, 0, total), content.Headers.ContentType?.CharSet);
                }

                total += read;
                if (total > limit)
                {
                    throw FetchErrors.ResponseBodyTooLarge(method, url, limit, total, declared: false);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static string Decode(ArraySegment<byte> body, string? charset)
    {
        var encoding = Encoding.UTF8;
        if (!string.IsNullOrWhiteSpace(charset))
        {
            try
            {
                encoding = Encoding.GetEncoding(charset.Trim('"', ' '));
            }
            catch (ArgumentException)
            {
                // An unknown charset: UTF-8, as browsers fall back to.
            }
        }

        var span = body.AsSpan();
        var preamble = encoding.Preamble;
        return encoding.GetString(span.StartsWith(preamble) ? span[preamble.Length..] : span);
    }
}
