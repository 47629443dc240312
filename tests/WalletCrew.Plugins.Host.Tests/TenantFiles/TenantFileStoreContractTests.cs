using System.Text;
using WalletCrew.Plugins.Host.Store;

namespace WalletCrew.Plugins.Host.Tests.TenantFiles;

/// <summary>
/// What the tenant files API relies on from each store: versions appended only as the newest plus one (a second change of
/// the same version stores nothing), content kept by hash, each version's origin, a version 3 database given the version 4
/// tables and the tenant log's version column on start, and a version 5 database given the origin column.
/// </summary>
public abstract class TenantFileStoreContractTests : IAsyncLifetime
{
    private static readonly DateTimeOffset s_now = new(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);

    private protected IEventStore Events { get; private set; } = null!;

    private protected ITenantFileStore Files { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        (Events, Files) = await CreateStoresAsync();
        await Events.InitializeAsync(CancellationToken.None);
    }

    public abstract Task DisposeAsync();

    private protected abstract Task<(IEventStore Events, ITenantFileStore Files)> CreateStoresAsync();

    /// <summary>Runs SQL on the store's database; <c>{0}</c> is its table prefix.</summary>
    private protected abstract Task<object?> ExecuteAsync(string sql);

    [Fact]
    public async Task AVersionIsAppendedOnlyAsTheNewestPlusOneAndItsContentIsReadBackByHash()
    {
        var (first, firstBlobs) = Version("acme", 1, "a");
        var (sameNumber, sameBlobs) = Version("acme", 1, "b");
        var (skipped, skippedBlobs) = Version("acme", 3, "c");

        (await Files.AppendAsync(first, firstBlobs, CancellationToken.None)).Should().BeTrue();
        (await Files.AppendAsync(sameNumber, sameBlobs, CancellationToken.None)).Should().BeFalse("version 1 exists");
        (await Files.AppendAsync(skipped, skippedBlobs, CancellationToken.None)).Should().BeFalse("version 2 does not exist yet");
        (await Files.AppendAsync(Version("acme", 2, "a").Version, firstBlobs, CancellationToken.None)).Should().BeTrue();
        (await Files.AppendAsync(Version("globex", 1, "g").Version, Version("globex", 1, "g").Blobs, CancellationToken.None)).Should().BeTrue();

        (await Files.GetCurrentAsync("acme", CancellationToken.None))!.Version.Should().Be(2);
        (await Files.ListVersionsAsync("acme", CancellationToken.None)).Select(v => v.Version).Should().Equal(2, 1);
        (await Files.ListHeadsAsync(CancellationToken.None)).Should().Equal(new TenantHead("acme", 2), new TenantHead("globex", 1));
        var stored = (await Files.GetVersionAsync("acme", 1, CancellationToken.None))!;
        stored.Should().BeEquivalentTo(first);
        var blobs = await Files.ReadBlobsAsync([stored.Files[0].Hash, sameNumber.Files[0].Hash], CancellationToken.None);
        blobs.Keys.Should().Equal([stored.Files[0].Hash], "the refused version's content was not kept");
        Encoding.UTF8.GetString(blobs[stored.Files[0].Hash]).Should().Be("a");
    }

    [Fact]
    public async Task AVersion3DatabaseGetsTheTenantFileTablesAndTheLogVersionColumnOnStart()
    {
        await ExecuteAsync("DROP TABLE {0}tenant_versions;");
        await ExecuteAsync("DROP TABLE {0}tenant_blobs;");
        await ExecuteAsync("ALTER TABLE {0}tenant_logs DROP COLUMN tenant_version;");
        await ExecuteAsync("UPDATE {0}schema_info SET version = 3;");

        await Events.InitializeAsync(CancellationToken.None);

        Convert.ToInt32(await ExecuteAsync("SELECT version FROM {0}schema_info;"), System.Globalization.CultureInfo.InvariantCulture).Should().Be(PostgresSchema.Version, "the newest version");
        (await Files.AppendAsync(Version("acme", 1, "a").Version, Version("acme", 1, "a").Blobs, CancellationToken.None)).Should().BeTrue();
        await Events.AppendLogAsync(new TenantLogRecord("acme", s_now, "fill", null, null, "succeeded", 1, null, [], TenantVersion: 7), CancellationToken.None);
        (await Events.ReadLogAsync("acme", 10, CancellationToken.None)).Single().TenantVersion.Should().Be(7);
    }

    [Fact]
    public async Task AVersion6DatabaseGetsTheOriginColumnOnStartAndAVersionsOriginIsReadBack()
    {
        await ExecuteAsync("ALTER TABLE {0}tenant_versions DROP COLUMN origin;");
        await ExecuteAsync("UPDATE {0}schema_info SET version = 6;");

        await Events.InitializeAsync(CancellationToken.None);

        Convert.ToInt32(await ExecuteAsync("SELECT version FROM {0}schema_info;"), System.Globalization.CultureInfo.InvariantCulture).Should().Be(PostgresSchema.Version, "the newest version");
        var (fromFolder, blobs) = Version("acme", 1, "a");
        fromFolder = fromFolder with { Origin = new TenantFolderOrigin("build-01", "/srv/tenants/acme") };
        (await Files.AppendAsync(fromFolder, blobs, CancellationToken.None)).Should().BeTrue();
        (await Files.AppendAsync(Version("acme", 2, "b").Version, Version("acme", 2, "b").Blobs, CancellationToken.None)).Should().BeTrue();
        (await Files.GetVersionAsync("acme", 1, CancellationToken.None))!.Origin.Should().Be(new TenantFolderOrigin("build-01", "/srv/tenants/acme"));
        (await Files.GetCurrentAsync("acme", CancellationToken.None))!.Origin.Should().BeNull("made through the API");
    }

    private static (TenantVersion Version, IReadOnlyDictionary<string, byte[]> Blobs) Version(string tenantId, long number, string content)
    {
        var bytes = Encoding.UTF8.GetBytes(content);
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
        return (new TenantVersion(tenantId, number, s_now, "WalletCrew:ApiKeys:0", $"v{number}", "set-" + hash, [new TenantFileEntry("server/script/a.csx", hash, bytes.Length)], null),
            new Dictionary<string, byte[]> { [hash] = bytes });
    }
}
