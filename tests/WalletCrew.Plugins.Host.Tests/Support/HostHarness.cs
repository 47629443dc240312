using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace WalletCrew.Plugins.Host.Tests.Support;

/// <summary>A real host on loopback (Kestrel) over a real SQLite file (or the PostgreSQL database given), with a client carrying the API key.</summary>
internal sealed class HostHarness : IAsyncDisposable
{
    public const string ApiKey = "test-key-0123456789abcdef";

    private readonly WebApplication _app;

    private HostHarness(WebApplication app, HttpClient client)
    {
        _app = app;
        Client = client;
    }

    public HttpClient Client { get; }

    public Uri BaseAddress => Client.BaseAddress!;

    public IServiceProvider Services => _app.Services;

    public static async Task<HostHarness> StartAsync(TenantsRoot root, IDictionary<string, string?>? configuration = null, TimeProvider? time = null, Action<IServiceCollection>? services = null, string? store = null,
        string[]? args = null)
    {
        var settings = new HostSettings { TenantsRoot = root.Directory, Urls = "http://127.0.0.1:0", Store = store ?? "sqlite:" + root.DatabasePath, AllowLoopback = true };
        // Command-line arguments, as an operator gives them: read while the host's services are registered (the harness's own
        // configuration below arrives later, as appsettings would not).
        var builder = WalletCrewHost.CreateBuilder(settings, args ?? []);
        var config = new Dictionary<string, string?>
        {
            ["WalletCrew:ApiKeys:0"] = ApiKey,
            ["WalletCrew:Delivery:PollInterval"] = "00:00:00.100",
            ["WalletCrew:Engine:HotReload"] = "false",
            ["WalletCrew:Engine:Isolation"] = "in-process",
            ["WalletCrew:Engine:CompileCacheDirectory"] = Path.Combine(root.Base, "cache"),

            // Tests of delivery, Fill and the like serve their tenants from the folder they write; the tests of the folder
            // feeding the store ask for the host's default by setting this key to null (below).
            ["WalletCrew:TenantFiles:ImportFolders"] = "false",
        };
        foreach (var (key, value) in configuration ?? new Dictionary<string, string?>())
        {
            // A null value drops the harness's setting of that key: the host's own default applies.
            if (value is null)
            {
                config.Remove(key);
            }
            else
            {
                config[key] = value;
            }
        }

        builder.Configuration.AddInMemoryCollection(config);
        builder.Logging.ClearProviders();
        if (Environment.GetEnvironmentVariable("WCP_TEST_LOGS") is { Length: > 0 } level)
        {
            // Debugging aid: WCP_TEST_LOGS=Information shows the host's logs on the console.
            builder.Logging.AddSimpleConsole().SetMinimumLevel(Enum.Parse<LogLevel>(level));
        }
        if (time is not null)
        {
            builder.Services.AddSingleton(time);
        }

        services?.Invoke(builder.Services);
        var app = WalletCrewHost.Build(builder);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var client = new HttpClient { BaseAddress = new Uri(address.TrimEnd('/') + "/"), Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
        return new HostHarness(app, client);
    }

    /// <summary>Posts an installation change and returns the status and the parsed body.</summary>
    public async Task<(HttpStatusCode Status, JsonObject Body)> IngestAsync(
        string tenantId, string passId, string device = "apple", bool installed = true, string? deviceId = null, object? registrationSource = null)
    {
        var body = new Dictionary<string, object?>
        {
            ["device"] = device,
            ["installed"] = installed,
            ["passType"] = "loyalty",
            ["identifiers"] = new Dictionary<string, string> { ["customerId"] = "C-" + passId },
        };
        if (deviceId is not null)
        {
            body["deviceId"] = deviceId;
        }

        if (registrationSource is not null)
        {
            body["registrationSource"] = registrationSource;
        }

        using var response = await Client.PostAsJsonAsync($"api/tenants/{tenantId}/passes/{passId}/installations", body);
        return (response.StatusCode, await ReadObjectAsync(response));
    }

    /// <summary>Posts an installation until the host accepts it (a store coming back may refuse the first tries); returns the body.</summary>
    public static async Task<JsonObject> IngestUntilAcceptedAsync(HostHarness host, string tenantId, string passId)
    {
        var body = new JsonObject();
        await WaitUntilAsync(async () =>
        {
            HttpStatusCode status;
            (status, body) = await host.IngestAsync(tenantId, passId);
            return status == HttpStatusCode.Accepted;
        }, TimeSpan.FromSeconds(30), $"the host accepted pass {passId}");
        return body;
    }

    public async Task<(HttpStatusCode Status, JsonObject Body)> PostRawAsync(string path, string body, string contentType = "application/json")
    {
        using var content = new StringContent(body, System.Text.Encoding.UTF8, contentType);
        using var response = await Client.PostAsync(path, content);
        return (response.StatusCode, await ReadObjectAsync(response));
    }

    public async Task<JsonNode> GetJsonAsync(string path)
    {
        using var response = await Client.GetAsync(path);
        response.EnsureSuccessStatusCode();
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    /// <summary>Returns the recording hook's <c>delivered</c> lines of a tenant, oldest first.</summary>
    public async Task<IReadOnlyList<DeliveredLine>> DeliveredAsync(string tenantId)
    {
        var logs = await GetJsonAsync($"api/admin/tenants/{tenantId}/logs?limit=1000");
        return [.. logs.AsArray().Reverse()
            .SelectMany(record => record!["entries"]!.AsArray())
            .Select(entry => DeliveredLine.Parse(entry!["message"]!.GetValue<string>()))
            .OfType<DeliveredLine>()];
    }

    /// <summary>Sets a tenant secret in the running host's configuration (read on every call).</summary>
    public void SetSecret(string tenantId, string name, string value) =>
        _app.Configuration[$"WalletCrew:Tenants:{tenantId}:Secrets:{name}"] = value;

    /// <summary>Polls until the condition holds, failing after the timeout (a bound, never a measurement).</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string because)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0} s waiting until {because}.");
            }

            await Task.Delay(25);
        }
    }

    public static Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string because) =>
        WaitUntilAsync(() => Task.FromResult(condition()), timeout, because);

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static async Task<JsonObject> ReadObjectAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        if (string.IsNullOrWhiteSpace(text))
        {
            return [];
        }

        try
        {
            return JsonNode.Parse(text) as JsonObject ?? [];
        }
        catch (JsonException)
        {
            return new JsonObject { ["raw"] = text };
        }
    }
}
