using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using WalletCrew.Plugins.Engine.Tests.Support;
using WalletCrew.Plugins.Host.Store;
using WalletCrew.Plugins.Host.Tests.Support;

namespace WalletCrew.Plugins.Console.Tests.Support;

/// <summary>
/// A real host (Kestrel on loopback, SQLite file) with tenants <c>acme</c> (posting to a partner stub that fails, then
/// recovers; a non-2xx answer fails the hook) and <c>globex</c>; acme has one delivered and one dead-lettered event, globex one delivered. Plus headless
/// Chromium: the machine's <c>/usr/bin/chromium</c> (or <c>WCP_CHROMIUM</c>) driven by Playwright, never a downloaded browser.
/// </summary>
public sealed class SeededConsole : IAsyncLifetime
{
    public const string AdminKey = "admin-key-0123456789abcdef";
    public const string AcmeKey = "acme-key-0123456789abcdef";
    public const string GlobexKey = "globex-key-0123456789abcdef";
    private const string PlatformKey = "platform-key-0123456789abcdef";

    private TenantsRoot? _root;
    private IPlaywright? _playwright;

    internal HostHarness Host { get; private set; } = null!;

    internal PartnerStub Partner { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public string DeliveredId { get; private set; } = "";

    public string DeadId { get; private set; } = "";

    public string GlobexId { get; private set; } = "";

    /// <summary>Where the screenshots of the main views go: <c>TestResults/console-screenshots</c> at the repository root.</summary>
    public static string Screenshots { get; } = Path.Combine(RepositoryPaths.Root, "TestResults", "console-screenshots");

    public async Task InitializeAsync()
    {
        Partner = await PartnerStub.StartAsync();
        _root = new TenantsRoot().WriteScript("acme", Scripts.PostingHook(Partner.BaseAddress + "/passes")).WriteScript("globex", Scripts.RecordingHook);
        Host = await HostHarness.StartAsync(_root, new Dictionary<string, string?>
        {
            ["WalletCrew:ApiKeys:0"] = null,
            ["WalletCrew:ApiKeys:0:Key"] = AdminKey,
            ["WalletCrew:ApiKeys:0:Scopes:0"] = "admin",
            ["WalletCrew:ApiKeys:1:Key"] = PlatformKey,
            ["WalletCrew:ApiKeys:1:Scopes:0"] = "platform",
            ["WalletCrew:ApiKeys:2:Key"] = AcmeKey,
            ["WalletCrew:ApiKeys:2:Scopes:0"] = "tenant:acme",
            ["WalletCrew:ApiKeys:3:Key"] = GlobexKey,
            ["WalletCrew:ApiKeys:3:Scopes:0"] = "tenant:globex",
            // One quick retry, then the dead-letter queue.
            ["WalletCrew:Delivery:RetrySchedule:0"] = "00:00:00.200",
            ["WalletCrew:Delivery:JitterRatio"] = "0",
            ["WalletCrew:Tenants:globex:Secrets:MODE"] = "ok",
        });
        Host.Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", PlatformKey);

        DeliveredId = await IngestAsync("acme", "P-ok");
        await WaitForAsync(DeliveredId, DeliveryStatus.Delivered);
        Partner.Handler = PartnerStub.Respond(503, """{"error":"maintenance"}""");
        DeadId = await IngestAsync("acme", "P-fail");
        await WaitForAsync(DeadId, DeliveryStatus.Dead);
        GlobexId = await IngestAsync("globex", "P-globex");
        await WaitForAsync(GlobexId, DeliveryStatus.Delivered);

        _playwright = await Playwright.CreateAsync();
        var chromium = Environment.GetEnvironmentVariable("WCP_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";
        if (!File.Exists(chromium))
        {
            throw new InvalidOperationException($"No Chromium at {chromium}: run `bash eng/install-prerequisites.sh` (Debian's chromium package) or set WCP_CHROMIUM.");
        }

        // --no-sandbox: CI runs as root, where Chromium's own sandbox refuses to start.
        Browser = await _playwright.Chromium.LaunchAsync(new() { ExecutablePath = chromium, Headless = true, Args = ["--no-sandbox"] });
        Directory.CreateDirectory(Screenshots);
    }

    internal Task<StoredEvent?> EventAsync(string eventId) =>
        Host.Services.GetRequiredService<IEventStore>().GetAsync(eventId, CancellationToken.None);

    internal Task WaitForAsync(string eventId, DeliveryStatus status) => HostHarness.WaitUntilAsync(
        async () => (await EventAsync(eventId))?.Status == status, TimeSpan.FromSeconds(30), $"{eventId} is {status}");

    /// <summary>A fresh browser context (its own cookies) at desktop size, with its base address set to the host.</summary>
    public async Task<IPage> NewPageAsync(int width = 1280, int height = 800)
    {
        var context = await Browser.NewContextAsync(new() { BaseURL = Host.BaseAddress.ToString(), ViewportSize = new() { Width = width, Height = height }, TimezoneId = "Europe/Paris" });
        return await context.NewPageAsync();
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        await Host.DisposeAsync();
        await Partner.DisposeAsync();
        _root?.Dispose();
    }

    private async Task<string> IngestAsync(string tenantId, string passId)
    {
        var (status, body) = await Host.IngestAsync(tenantId, passId);
        status.Should().Be(System.Net.HttpStatusCode.Accepted);
        return body["eventId"]!.GetValue<string>();
    }
}
