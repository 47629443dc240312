using System.Text.Json;

namespace WalletCrew.Plugins;

/// <summary>The answer to a <see cref="IConnectorContext.FetchAsync"/> call, with its body already read.</summary>
public sealed class FetchResponse
{
    internal FetchResponse(int status, string statusText, IReadOnlyDictionary<string, string> headers, string body)
    {
        Status = status;
        StatusText = statusText;
        Headers = headers;
        Body = body;
    }

    /// <summary>Gets the HTTP status code.</summary>
    public int Status { get; }

    /// <summary>Gets the HTTP reason phrase.</summary>
    public string StatusText { get; }

    /// <summary>Gets a value indicating whether the status is in the 2xx range.</summary>
    public bool Ok => Status is >= 200 and <= 299;

    /// <summary>Gets the response headers (content headers included); names compare case-insensitively.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; }

    /// <summary>Gets the response body as text.</summary>
    public string Body { get; }

    /// <summary>Returns the body as text, like JavaScript's <c>response.text()</c>.</summary>
    /// <returns>The body.</returns>
    public string Text() => Body;

    /// <summary>Parses the body as JSON, like JavaScript's <c>response.json()</c>.</summary>
    /// <returns>The root element.</returns>
    /// <exception cref="JsonException">The body is not JSON.</exception>
    public JsonElement Json()
    {
        using var document = JsonDocument.Parse(Body);
        return document.RootElement.Clone();
    }
}
