namespace WalletCrew.Plugins.Host.Tests.Support;

/// <summary>One host per test class for tests that only read or reject (auth, bad input): saves a tenant compile per test.</summary>
public sealed class SharedHost : IAsyncLifetime
{
    private TenantsRoot? _root;

    internal HostHarness Host { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _root = new TenantsRoot().WriteScript("acme", Scripts.RecordingHook);
        Host = await HostHarness.StartAsync(_root, new Dictionary<string, string?> { ["WalletCrew:Tenants:acme:Secrets:MODE"] = "ok" });
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        _root?.Dispose();
    }
}
