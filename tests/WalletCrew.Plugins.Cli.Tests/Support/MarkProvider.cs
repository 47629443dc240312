using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace WalletCrew.Plugins.Cli.Tests.Support;

/// <summary>A customer provider <c>points</c> that answers <c>{"mark": mark}</c>, and the Fill call that reads which version served.</summary>
internal static class MarkProvider
{
    public static string Provider(string mark) => $$"""
        object points(string passId) => new { mark = "{{mark}}" };
        context.register("runtime.scriptable.customerProvider.points", new { Fill = points });
        """;

    /// <summary>Returns the <c>mark</c> tenant acme's <c>points</c> provider answers, or null when the Fill did not succeed.</summary>
    public static async Task<string?> MarkAsync(HttpClient http)
    {
        using var response = await http.PostAsJsonAsync("/api/tenants/acme/customer-providers/points/fill",
            new { passId = "P1", passType = "loyalty", identifiers = new Dictionary<string, string> { ["customerId"] = "C1" }, data = new { } });
        return response.IsSuccessStatusCode ? JsonNode.Parse(await response.Content.ReadAsStringAsync())!["data"]!["mark"]!.GetValue<string>() : null;
    }
}
