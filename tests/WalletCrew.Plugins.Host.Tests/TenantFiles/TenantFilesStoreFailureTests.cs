using System.Net;
using Microsoft.Extensions.DependencyInjection;
using WalletCrew.Plugins.Host.Store;
using WalletCrew.Plugins.Host.Tests.Support;
using static WalletCrew.Plugins.Host.Tests.Support.TenantFilesClient;

namespace WalletCrew.Plugins.Host.Tests.TenantFiles;

/// <summary>A change whose store write fails: 503 to retry, the live version keeps serving, and the retry goes live.</summary>
public sealed class TenantFilesStoreFailureTests
{
    [Fact]
    public async Task AStoreFailureWhileStoringAVersionAnswers503AndTheLiveVersionKeepsServing()
    {
        using var root = new TenantsRoot();
        FailingAppend? files = null;
        await using var host = await HostHarness.StartAsync(root, services: s => s.AddSingleton<ITenantFileStore>(sp =>
            files = new FailingAppend(new SqliteTenantFileStore(sp.GetRequiredService<SqliteEventStore>()))));
        (await PutFileAsync(host.Client, "acme", ScriptPath, MarkProvider("v1"))).Status.Should().Be(HttpStatusCode.Created);

        files!.Fail = true;
        using var request = new HttpRequestMessage(HttpMethod.Put, $"api/tenants/acme/files/{ScriptPath}") { Content = new StringContent(MarkProvider("v2")) };
        using var failed = await host.Client.SendAsync(request);
        var problem = await failed.Content.ReadAsStringAsync();
        files.Fail = false;

        failed.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        failed.Headers.RetryAfter!.Delta.Should().Be(TimeSpan.FromSeconds(1));
        problem.Should().Contain("may or may not be stored").And.Contain("versions").And.NotContain("disk I/O error");
        (await MarkAsync(host.Client, "acme")).Should().Be("v1", "nothing confirmed version 2, so it did not go live");
        (await host.GetJsonAsync("api/tenants/acme/versions")).AsArray().Should().HaveCount(1);

        // The control, and the caller's retry: the same change with the store back is stored and served.
        var (retried, body) = await PutFileAsync(host.Client, "acme", ScriptPath, MarkProvider("v2"));
        retried.Should().Be(HttpStatusCode.Created, body.ToJsonString());
        body["version"]!.GetValue<long>().Should().Be(2);
        (await MarkAsync(host.Client, "acme")).Should().Be("v2");
    }

    /// <summary>The real store, with the version's write failing on demand as a full disk would.</summary>
    private sealed class FailingAppend(ITenantFileStore inner) : ITenantFileStore
    {
        public volatile bool Fail;

        public Task<TenantVersion?> GetCurrentAsync(string tenantId, CancellationToken cancellationToken) => inner.GetCurrentAsync(tenantId, cancellationToken);

        public Task<TenantVersion?> GetVersionAsync(string tenantId, long version, CancellationToken cancellationToken) => inner.GetVersionAsync(tenantId, version, cancellationToken);

        public Task<IReadOnlyList<TenantVersion>> ListVersionsAsync(string tenantId, CancellationToken cancellationToken) => inner.ListVersionsAsync(tenantId, cancellationToken);

        public Task<IReadOnlyList<TenantHead>> ListHeadsAsync(CancellationToken cancellationToken) => inner.ListHeadsAsync(cancellationToken);

        public Task<IReadOnlyDictionary<string, byte[]>> ReadBlobsAsync(IReadOnlyCollection<string> hashes, CancellationToken cancellationToken) =>
            inner.ReadBlobsAsync(hashes, cancellationToken);

        public Task<bool> AppendAsync(TenantVersion version, IReadOnlyDictionary<string, byte[]> blobs, CancellationToken cancellationToken) =>
            Fail ? throw new IOException("disk I/O error") : inner.AppendAsync(version, blobs, cancellationToken);
    }
}
