using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Engine.Tests.Fetch;

/// <summary>
/// Each tenant sends on connections of its own, so one tenant's request never travels on a connection another tenant
/// opened. Before, tenants without tenant.json settings shared the engine's client, and the second tenant's request
/// reused the first one's connection.
/// </summary>
public sealed class TenantConnectionPoolTests : IAsyncLifetime
{
    private readonly ConcurrentQueue<string> _connections = new();
    private PartnerStub _stub = null!;

    public async Task InitializeAsync()
    {
        _stub = await PartnerStub.StartAsync();
        _stub.Handler = async context =>
        {
            _connections.Enqueue(context.Connection.Id);
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("""{"points":1,"tier":"gold"}""");
        };
    }

    public async Task DisposeAsync() => await _stub.DisposeAsync();

    [Fact]
    public async Task TwoTenantsWithoutSettingsNeverShareAConnection()
    {
        using var engine = new ConnectorEngine(new ConnectorEngineOptions { AllowLoopback = true });
        using var a = Tenant(engine, "tenant-a", FetchScript());
        using var b = Tenant(engine, "tenant-b", FetchScript());

        await InvokeAsync(a.Connectors, "tenant-a");
        await InvokeAsync(b.Connectors, "tenant-b");

        _connections.Should().HaveCount(2).And.OnlyHaveUniqueItems();
    }

    [Fact]
    public async Task TwoTenantsWithTheSameSettingsNeverShareAConnection()
    {
        using var engine = new ConnectorEngine(new ConnectorEngineOptions { AllowLoopback = true });
        const string settings = """{ "limits": { "responseBodyBytes": 2048 } }""";
        using var a = Tenant(engine, "tenant-a", FetchScript(), settings);
        using var b = Tenant(engine, "tenant-b", FetchScript(), settings);

        await InvokeAsync(a.Connectors, "tenant-a");
        await InvokeAsync(b.Connectors, "tenant-b");

        _connections.Should().HaveCount(2).And.OnlyHaveUniqueItems();
    }

    [Fact]
    public async Task ATypedClientAndAnotherTenantsFetchNeverShareAConnection()
    {
        using var engine = new ConnectorEngine(new ConnectorEngineOptions { AllowLoopback = true });
        using var a = Tenant(engine, "tenant-a", Refit.RefitScripts.Loyalty(_stub.BaseAddress), name: "refitProvider.csx");
        using var b = Tenant(engine, "tenant-b", FetchScript());

        (await a.Connectors.FillAsync("refit", TestEvents.Fill(tenantId: "tenant-a"), CancellationToken.None)).Status.Should().Be(InvocationStatus.Succeeded);
        await InvokeAsync(b.Connectors, "tenant-b");

        _connections.Should().HaveCount(2).And.OnlyHaveUniqueItems();
    }

    [Fact]
    public async Task NegativeControlOneTenantReusesItsOwnConnection()
    {
        // Keep-alive works here, so the tests above would see a shared connection if there were one.
        using var engine = new ConnectorEngine(new ConnectorEngineOptions { AllowLoopback = true });
        using var a = Tenant(engine, "tenant-a", FetchScript());

        await InvokeAsync(a.Connectors, "tenant-a");
        await InvokeAsync(a.Connectors, "tenant-a");

        _connections.Should().HaveCount(2).And.AllBe(_connections.First());
    }

    private static async Task InvokeAsync(TenantConnectors tenant, string tenantId) =>
        (await tenant.InvokePassUpdatersAsync(TestEvents.Installation(tenantId: tenantId), CancellationToken.None)).Status.Should().Be(InvocationStatus.Succeeded);

    private static LoadedTenant Tenant(ConnectorEngine engine, string tenantId, string script, string? settings = null, string name = "connector.csx")
    {
        var folder = new TenantFolder(tenantId);
        folder.WriteScript(name, script);
        if (settings is not null)
        {
            File.WriteAllText(Path.Combine(folder.Directory, "tenant.json"), settings);
        }

        var connectors = engine.LoadTenant(folder.Directory);
        connectors.Diagnostics.Should().BeEmpty();
        return new LoadedTenant(folder, connectors);
    }

    private string FetchScript() => $$"""
        async Task onPassInstalled(string passId) => await fetch("{{_stub.BaseAddress}}/x");
        context.register("runtime.wallet.passUpdater", new { OnPassInstalled = onPassInstalled });
        """;

    private sealed record LoadedTenant(TenantFolder Folder, TenantConnectors Connectors) : IDisposable
    {
        public void Dispose()
        {
            Connectors.Dispose();
            Folder.Dispose();
        }
    }
}
