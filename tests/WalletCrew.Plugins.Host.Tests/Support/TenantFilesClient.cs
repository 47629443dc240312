using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace WalletCrew.Plugins.Host.Tests.Support;

/// <summary>Calls the tenant files API of a host (any client) and the Fill route that shows which version serves.</summary>
internal static class TenantFilesClient
{
    public const string ScriptPath = "server/script/connector.csx";

    /// <summary>A customer provider <c>points</c> that answers <c>{"mark": mark}</c>: which version served a call.</summary>
    public static string MarkProvider(string mark) => $$"""
        object points(string passId) => new { mark = "{{mark}}" };
        context.register("runtime.scriptable.customerProvider.points", new { Fill = points });
        """;

    public static async Task<(HttpStatusCode Status, JsonObject Body)> PutFileAsync(HttpClient client, string tenantId, string path, string content, string query = "", string? ifMatch = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"api/tenants/{tenantId}/files/{path}{query}") { Content = new StringContent(content, Encoding.UTF8, "text/plain") };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return await SendAsync(client, request);
    }

    public static async Task<(HttpStatusCode Status, JsonObject Body)> PutBytesAsync(HttpClient client, string url, byte[] content)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, url) { Content = new ByteArrayContent(content) };
        return await SendAsync(client, request);
    }

    public static async Task<(HttpStatusCode Status, JsonObject Body)> SendAsync(HttpClient client, HttpRequestMessage request)
    {
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? [] : JsonNode.Parse(text) as JsonObject ?? []);
    }

    /// <summary>Returns the <c>mark</c> the tenant's <c>points</c> provider answers, or null when the Fill did not succeed.</summary>
    public static async Task<string?> MarkAsync(HttpClient client, string tenantId)
    {
        using var response = await client.PostAsJsonAsync($"api/tenants/{tenantId}/customer-providers/points/fill",
            new { passId = "P1", passType = "loyalty", identifiers = new Dictionary<string, string> { ["customerId"] = "C1" }, data = new { } });
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return null;
        }

        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["data"]!["mark"]?.GetValue<string>();
    }

    /// <summary>Zips entries (path to content) as a client would upload them.</summary>
    public static byte[] Zip(params (string Path, string Content)[] entries)
    {
        using var buffer = new MemoryStream();
        using (var archive = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (path, content) in entries)
            {
                using var stream = archive.CreateEntry(path).Open();
                stream.Write(Encoding.UTF8.GetBytes(content));
            }
        }

        return buffer.ToArray();
    }
}
