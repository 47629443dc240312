using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using WalletCrew.Plugins.Host.Tests.Support;
using static WalletCrew.Plugins.Host.Tests.Support.TenantFilesClient;

namespace WalletCrew.Plugins.Host.Tests.TenantFiles;

/// <summary>
/// The tenants folder feeding the store, over real HTTP on a SQLite file with the host's default settings: it seeds an
/// empty store, a save in a stored tenant's folder is its next version, a folder edited while the host was stopped is
/// taken only when the current version was made from that folder, and otherwise the store wins.
/// </summary>
public sealed class TenantFolderVersionsTests
{
    /// <summary>The host's default (the harness turns the import off for the tests written for folder tenants).</summary>
    private static readonly Dictionary<string, string?> s_default = new() { ["WalletCrew:TenantFiles:ImportFolders"] = null };

    /// <summary>The default with hot reload on, as <c>wcp serve</c> runs.</summary>
    private static readonly Dictionary<string, string?> s_watching = new() { ["WalletCrew:TenantFiles:ImportFolders"] = null, ["WalletCrew:Engine:HotReload"] = "true" };

    [Fact]
    public async Task TheTenantsFolderSeedsAnEmptyStoreWithoutAnyFlagAndAFolderThatDoesNotCheckStaysAFolderTenant()
    {
        using var root = new TenantsRoot();
        root.WriteScript("acme", MarkProvider("folder"));
        root.WriteScript("broken", "var broken = ;");
        var logs = new RecordingLoggerProvider();

        await using var host = await HostHarness.StartAsync(root, s_default, services: s => s.AddSingleton<ILoggerProvider>(logs));

        var acme = (await host.GetJsonAsync("api/tenants/acme/versions")).AsArray().Single()!;
        acme["version"]!.GetValue<long>().Should().Be(1);
        acme["keyId"]!.GetValue<string>().Should().Be("tenants folder");
        acme["message"]!.GetValue<string>().Should().Be("Imported from the tenants folder");
        acme["origin"]!["machine"]!.GetValue<string>().Should().Be(Environment.MachineName);
        acme["origin"]!["folder"]!.GetValue<string>().Should().Be(Path.Combine(root.Directory, "acme"));
        (await MarkAsync(host.Client, "acme")).Should().Be("folder");
        (await host.GetJsonAsync("api/admin/connectors?tenantId=acme")).AsArray().Single()!["tenantVersion"]!.GetValue<long>().Should().Be(1, "the store serves it");
        (await SendAsync(host.Client, new HttpRequestMessage(HttpMethod.Get, "api/tenants/broken/versions"))).Status.Should().Be(HttpStatusCode.NotFound, "a folder that does not check is not stored");
        (await host.GetJsonAsync("api/admin/connectors?tenantId=broken")).AsArray().Single()!["hasErrors"]!.GetValue<bool>().Should().BeTrue("it is still served from its folder");
        logs.Lines.Should().Contain(l => l.Level == LogLevel.Warning && l.Message.StartsWith("Tenant broken was not imported", StringComparison.Ordinal) && l.Message.Contains("CS1525", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WithImportFoldersOffFolderTenantsStayOutOfTheStore()
    {
        using var root = new TenantsRoot();
        root.WriteScript("acme", MarkProvider("folder"));

        await using var host = await HostHarness.StartAsync(root, new Dictionary<string, string?> { ["WalletCrew:TenantFiles:ImportFolders"] = "false" });

        (await MarkAsync(host.Client, "acme")).Should().Be("folder");
        (await SendAsync(host.Client, new HttpRequestMessage(HttpMethod.Get, "api/tenants/acme/versions"))).Status.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task ASaveInAStoredTenantsFolderIsItsNextVersionAndABrokenSaveChangesNothing()
    {
        using var root = new TenantsRoot();
        root.WriteScript("acme", MarkProvider("v1"));
        var logs = new RecordingLoggerProvider();
        await using var host = await HostHarness.StartAsync(root, s_watching, services: s => s.AddSingleton<ILoggerProvider>(logs));
        (await MarkAsync(host.Client, "acme")).Should().Be("v1");

        root.WriteScript("acme", MarkProvider("saved"));

        await HostHarness.WaitUntilAsync(async () => await MarkAsync(host.Client, "acme") == "saved", TimeSpan.FromSeconds(30), "the save is served");
        var saved = (await host.GetJsonAsync("api/tenants/acme/versions")).AsArray();
        saved.Select(v => v!["version"]!.GetValue<long>()).Should().Equal(2, 1);
        saved[0]!["message"]!.GetValue<string>().Should().Be("Saved in the tenants folder");
        saved[0]!["origin"]!["folder"]!.GetValue<string>().Should().Be(Path.Combine(root.Directory, "acme"));
        (await host.GetJsonAsync("api/admin/connectors?tenantId=acme")).AsArray().Single()!["tenantVersion"]!.GetValue<long>().Should().Be(2);

        root.WriteScript("acme", "object points(string passId) => new { mark = \"broken\" };\nvar broken = ;\n");

        await HostHarness.WaitUntilAsync(() => logs.Lines.Any(l => l.Message.StartsWith("Tenant acme: the files saved in", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(30), "the broken save is logged");
        var refused = logs.Lines.Single(l => l.Message.StartsWith("Tenant acme: the files saved in", StringComparison.Ordinal));
        refused.Level.Should().Be(LogLevel.Warning);
        refused.Message.Should().Contain("version 2 stays live").And.Contain("server/script/connector.csx(2,").And.Contain("error CS1525");
        var connectors = (await host.GetJsonAsync("api/admin/connectors?tenantId=acme")).AsArray().Single()!;
        connectors["hasErrors"]!.GetValue<bool>().Should().BeTrue("the failed save is listed like a folder tenant's");
        connectors["diagnostics"]!.AsArray().Select(d => d!["code"]!.GetValue<string>()).Should().Contain("CS1525");
        (await MarkAsync(host.Client, "acme")).Should().Be("saved", "nothing changed");
        (await host.GetJsonAsync("api/tenants/acme/versions")).AsArray().Should().HaveCount(2);

        // Fixing the file is the next version, and the failed save's diagnostics go with the version they were about.
        root.WriteScript("acme", MarkProvider("fixed"));
        await HostHarness.WaitUntilAsync(async () => await MarkAsync(host.Client, "acme") == "fixed", TimeSpan.FromSeconds(30), "the fixed save is served");
        (await host.GetJsonAsync("api/tenants/acme/versions")).AsArray().Should().HaveCount(3);
        (await host.GetJsonAsync("api/admin/connectors?tenantId=acme")).AsArray().Single()!["hasErrors"]!.GetValue<bool>().Should().BeFalse();
    }

    [Fact]
    public async Task AtStartAFolderEditedWhileStoppedIsTakenOnlyWhenTheCurrentVersionCameFromThatFolder()
    {
        using var root = new TenantsRoot();
        root.WriteScript("acme", MarkProvider("seeded"));
        await using (var host = await HostHarness.StartAsync(root, s_default))
        {
            (await MarkAsync(host.Client, "acme")).Should().Be("seeded");
        }

        // Edited while stopped (a git pull): version 1 came from this folder, so the folder is the next version.
        root.WriteScript("acme", MarkProvider("pulled"));
        await using (var host = await HostHarness.StartAsync(root, s_default))
        {
            (await MarkAsync(host.Client, "acme")).Should().Be("pulled");
            var versions = (await host.GetJsonAsync("api/tenants/acme/versions")).AsArray();
            versions.Select(v => v!["version"]!.GetValue<long>()).Should().Equal(2, 1);
            versions[0]!["message"]!.GetValue<string>().Should().Be("Changed in the tenants folder while the host was stopped");

            // A change through the API: the current version no longer comes from the folder.
            (await PutFileAsync(host.Client, "acme", ScriptPath, MarkProvider("api"))).Status.Should().Be(HttpStatusCode.Created);
        }

        // Unchanged folder, unchanged store: a start makes no version.
        await using (var host = await HostHarness.StartAsync(root, s_default))
        {
            (await MarkAsync(host.Client, "acme")).Should().Be("api", "the folder differs, and version 3 came from the API");
            (await host.GetJsonAsync("api/tenants/acme/versions")).AsArray().Should().HaveCount(3);
        }

        // The folder edited again, but the current version came from the API: the store wins, and says how to take the folder.
        root.WriteScript("acme", MarkProvider("stale folder"));
        var logs = new RecordingLoggerProvider();
        await using (var host = await HostHarness.StartAsync(root, s_default, services: s => s.AddSingleton<ILoggerProvider>(logs)))
        {
            (await MarkAsync(host.Client, "acme")).Should().Be("api");
            (await host.GetJsonAsync("api/tenants/acme/versions")).AsArray().Should().HaveCount(3, "nothing was imported");
            var warning = logs.Lines.Where(l => l.Message.Contains("the store wins", StringComparison.Ordinal)).Should().ContainSingle().Subject;
            warning.Level.Should().Be(LogLevel.Warning);
            var folder = Path.Combine(root.Directory, "acme");
            warning.Message.Should().Be($"Tenant acme: its folder {folder} differs from stored version 3, made through the API with WalletCrew:ApiKeys:0; " +
                $"the store wins and the folder was not imported. To make the folder the next version, push it: wcp push {folder} --host <url> --api-key <key>");
        }
    }

    [Fact]
    public async Task ACopyOfTheFolderAtAnotherPathNeverReplacesTheVersionMadeFromTheFirst()
    {
        using var first = new TenantsRoot();
        using var copy = new TenantsRoot();
        first.WriteScript("acme", MarkProvider("first"));
        copy.WriteScript("acme", MarkProvider("older copy"));
        var store = "sqlite:" + first.DatabasePath;
        await using (var host = await HostHarness.StartAsync(first, s_default, store: store))
        {
            (await MarkAsync(host.Client, "acme")).Should().Be("first");
        }

        await using (var host = await HostHarness.StartAsync(copy, s_default, store: store))
        {
            (await MarkAsync(host.Client, "acme")).Should().Be("first", "version 1 came from another folder: the store wins");
            var version = (await host.GetJsonAsync("api/tenants/acme/versions")).AsArray().Single()!;
            version["origin"]!["folder"]!.GetValue<string>().Should().Be(Path.Combine(first.Directory, "acme"));
        }
    }
}
