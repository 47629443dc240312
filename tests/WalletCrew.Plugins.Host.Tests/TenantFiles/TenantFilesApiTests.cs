using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using WalletCrew.Plugins.Host.Tenants;
using WalletCrew.Plugins.Host.Tests.Support;
using static WalletCrew.Plugins.Host.Tests.Support.TenantFilesClient;

namespace WalletCrew.Plugins.Host.Tests.TenantFiles;

/// <summary>The tenant files API over real HTTP on one host with a SQLite file: checked before live, versions, restore, scopes.</summary>
public sealed class TenantFilesApiTests
{
    private const string AcmeFilesKey = "acme-ci-key-0123456789abcdef";
    private const string GlobexFilesKey = "globex-ci-key-0123456789abcdef";

    public static TheoryData<string, string, string, int> BrokenScripts => new()
    {
        {
            "compile error",
            "object points(string passId) => new { mark = \"v2\" };\n// a comment\nvar broken = ;\ncontext.register(\"runtime.scriptable.customerProvider.points\", new { Fill = points });\n",
            "CS1525", 3
        },
        {
            "policy violation",
            "object points(string passId) => new { mark = \"v2\" };\n\nvar secret = System.IO.File.ReadAllText(\"/etc/passwd\");\ncontext.register(\"runtime.scriptable.customerProvider.points\", new { Fill = points });\n",
            "WCP1001", 3
        },
        {
            "binding error",
            "object points(string passId) => new { mark = \"v2\" };\n\n\ncontext.register(\"runtime.scriptable.customerProvider.points\", new { Fil = points });\n",
            "WCP0103", 4
        },
    };

    [Fact]
    public async Task TheFirstPutCreatesTheTenantAndItsFilesAreServedListedAndReadBack()
    {
        using var root = new TenantsRoot();
        await using var host = await HostHarness.StartAsync(root);

        var (status, body) = await PutFileAsync(host.Client, "acme", ScriptPath, MarkProvider("v1"), "?message=first%20cut");

        status.Should().Be(HttpStatusCode.Created, body.ToJsonString());
        body["status"]!.GetValue<string>().Should().Be("stored");
        body["version"]!.GetValue<long>().Should().Be(1);
        (await MarkAsync(host.Client, "acme")).Should().Be("v1");
        var tree = await host.GetJsonAsync("api/tenants/acme/files");
        tree["version"]!.GetValue<long>().Should().Be(1);
        tree["liveVersion"]!.GetValue<long>().Should().Be(1);
        tree["files"]!.AsArray().Select(f => f!["path"]!.GetValue<string>()).Should().Equal(ScriptPath);
        var version = tree["versions"]!.AsArray().Single()!;
        version["keyId"]!.GetValue<string>().Should().Be("WalletCrew:ApiKeys:0");
        version["message"]!.GetValue<string>().Should().Be("first cut");
        (await host.Client.GetStringAsync($"api/tenants/acme/files/{ScriptPath}")).Should().Be(MarkProvider("v1"));
    }

    /// <summary>
    /// A stored version this host cannot write out (here its tenant's folder under the files folder is a file; a full disk
    /// or a path the file system refuses do the same) does not stop the host starting nor hold back the other tenants: the
    /// host started on every other tenant's newest version and logs the one it could not make live. (The first such
    /// tenant stopped the start.) Control: the same restart without the obstacle serves both.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ATenantVersionThisHostCannotWriteOutHoldsBackNoOtherTenant(bool obstacle)
    {
        using var root = new TenantsRoot();
        var configuration = new Dictionary<string, string?> { ["WalletCrew:TenantFiles:Directory"] = Path.Combine(root.Base, "files") };
        await using (var first = await HostHarness.StartAsync(root, configuration))
        {
            foreach (var tenantId in new[] { "alpha", "beta" })
            {
                (await PutFileAsync(first.Client, tenantId, ScriptPath, MarkProvider(tenantId))).Status.Should().Be(HttpStatusCode.Created);
            }
        }

        var alphaFiles = Path.Combine(root.Base, "files", "alpha");
        Directory.Delete(alphaFiles, recursive: true);
        if (obstacle)
        {
            File.WriteAllText(alphaFiles, "a file where a folder must go");
        }

        await using var restarted = await HostHarness.StartAsync(root, configuration);

        (await MarkAsync(restarted.Client, "beta")).Should().Be("beta");
        if (!obstacle)
        {
            (await MarkAsync(restarted.Client, "alpha")).Should().Be("alpha");
        }
        else
        {
            (await restarted.GetJsonAsync("api/tenants/alpha/files"))["liveVersion"].Should().BeNull("this host could not make it live");
        }
    }

    [Theory]
    [MemberData(nameof(BrokenScripts))]
    public async Task ABrokenScriptIsRefusedWith422AtItsLineAndTheLiveVersionKeepsServing(string what, string script, string code, int line)
    {
        using var root = new TenantsRoot();
        await using var host = await HostHarness.StartAsync(root);
        (await PutFileAsync(host.Client, "acme", ScriptPath, MarkProvider("v1"))).Status.Should().Be(HttpStatusCode.Created);

        var (status, body) = await PutFileAsync(host.Client, "acme", ScriptPath, script);

        status.Should().Be(HttpStatusCode.UnprocessableEntity, what);
        var diagnostic = body["diagnostics"]!.AsArray().First(d => d!["severity"]!.GetValue<string>() == "error")!;
        diagnostic["path"]!.GetValue<string>().Should().Be(ScriptPath);
        diagnostic["code"]!.GetValue<string>().Should().Be(code);
        diagnostic["line"]!.GetValue<int>().Should().Be(line);
        diagnostic["column"]!.GetValue<int>().Should().BePositive();
        diagnostic["text"]!.GetValue<string>().Should().StartWith($"{ScriptPath}({line},").And.Contain($"error {code}: ");
        body["detail"]!.GetValue<string>().Should().Contain(diagnostic["text"]!.GetValue<string>(), "the detail carries the MSBuild form too");
        (await MarkAsync(host.Client, "acme")).Should().Be("v1", "nothing changed");
        (await host.GetJsonAsync("api/tenants/acme/versions")).AsArray().Should().ContainSingle();
    }

    [Fact]
    public async Task ADryRunChecksWithoutStoringAndReportsErrorsTheSameWay()
    {
        using var root = new TenantsRoot();
        await using var host = await HostHarness.StartAsync(root);
        (await PutFileAsync(host.Client, "acme", ScriptPath, MarkProvider("v1"))).Status.Should().Be(HttpStatusCode.Created);

        var (status, body) = await PutFileAsync(host.Client, "acme", ScriptPath, MarkProvider("v2"), "?dryRun=true");
        var (badStatus, _) = await PutFileAsync(host.Client, "acme", ScriptPath, "var broken = ;", "?dryRun=true");

        status.Should().Be(HttpStatusCode.OK, body.ToJsonString());
        body["status"]!.GetValue<string>().Should().Be("checked");
        body["version"]!.GetValue<long>().Should().Be(2, "the number it would get");
        badStatus.Should().Be(HttpStatusCode.UnprocessableEntity);
        (await MarkAsync(host.Client, "acme")).Should().Be("v1");
        (await host.GetJsonAsync("api/tenants/acme/versions")).AsArray().Should().ContainSingle("a dry run stores nothing");

        // Control: the same change without dryRun does go live.
        (await PutFileAsync(host.Client, "acme", ScriptPath, MarkProvider("v2"))).Status.Should().Be(HttpStatusCode.Created);
        (await MarkAsync(host.Client, "acme")).Should().Be("v2");
    }

    [Fact]
    public async Task VersionsAreListedNewestFirstAndARestoreIsANewVersionWithTheOldFiles()
    {
        using var root = new TenantsRoot();
        await using var host = await HostHarness.StartAsync(root);
        (await PutFileAsync(host.Client, "acme", ScriptPath, MarkProvider("v1"))).Status.Should().Be(HttpStatusCode.Created);
        (await PutFileAsync(host.Client, "acme", ScriptPath, MarkProvider("v2"))).Status.Should().Be(HttpStatusCode.Created);
        (await MarkAsync(host.Client, "acme")).Should().Be("v2");

        var (status, body) = await SendAsync(host.Client, new HttpRequestMessage(HttpMethod.Post, "api/tenants/acme/versions/1/restore"));

        status.Should().Be(HttpStatusCode.Created, body.ToJsonString());
        body["version"]!.GetValue<long>().Should().Be(3);
        (await MarkAsync(host.Client, "acme")).Should().Be("v1");
        var versions = (await host.GetJsonAsync("api/tenants/acme/versions")).AsArray();
        versions.Select(v => v!["version"]!.GetValue<long>()).Should().Equal(3, 2, 1);
        versions[0]!["restoredFrom"]!.GetValue<long>().Should().Be(1);
        versions[0]!["setHash"]!.GetValue<string>().Should().Be(versions[2]!["setHash"]!.GetValue<string>());
        versions[1]!["setHash"]!.GetValue<string>().Should().NotBe(versions[2]!["setHash"]!.GetValue<string>());
        (await host.Client.GetStringAsync($"api/tenants/acme/files/{ScriptPath}?version=2")).Should().Be(MarkProvider("v2"));
        (await SendAsync(host.Client, new HttpRequestMessage(HttpMethod.Post, "api/tenants/acme/versions/9/restore"))).Status.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task AHostNeverGoesBackToAnOlderVersionThanTheOneItServes()
    {
        using var root = new TenantsRoot();
        await using var host = await HostHarness.StartAsync(root);
        (await PutFileAsync(host.Client, "acme", ScriptPath, MarkProvider("v1"))).Status.Should().Be(HttpStatusCode.Created);
        (await PutFileAsync(host.Client, "acme", ScriptPath, MarkProvider("v2"))).Status.Should().Be(HttpStatusCode.Created);
        var registry = host.Services.GetRequiredService<TenantRegistry>();
        var setHash = (await host.GetJsonAsync("api/tenants/acme/versions")).AsArray().Single(v => v!["version"]!.GetValue<long>() == 1)!["setHash"]!.GetValue<string>();
        var folderOfVersion1 = Path.Combine(root.DatabasePath + ".tenants", "acme", setHash, "acme");

        var older = registry.Activate("acme", 1, registry.LoadStored(folderOfVersion1));
        var same = registry.Activate("acme", 2, registry.LoadStored(folderOfVersion1));

        older.Should().BeFalse();
        same.Should().BeFalse();
        (await MarkAsync(host.Client, "acme")).Should().Be("v2");

        // Control: the same files under a newer number do go live.
        registry.Activate("acme", 3, registry.LoadStored(folderOfVersion1)).Should().BeTrue();
        (await MarkAsync(host.Client, "acme")).Should().Be("v1");
    }

    [Fact]
    public async Task IfMatchMakesAChangeConditionalOnTheCurrentVersion()
    {
        using var root = new TenantsRoot();
        await using var host = await HostHarness.StartAsync(root);
        (await PutFileAsync(host.Client, "acme", ScriptPath, MarkProvider("v1"), ifMatch: "\"0\"")).Status.Should().Be(HttpStatusCode.Created);

        var (stale, body) = await PutFileAsync(host.Client, "acme", ScriptPath, MarkProvider("v2"), ifMatch: "\"0\"");
        var (current, _) = await PutFileAsync(host.Client, "acme", ScriptPath, MarkProvider("v2"), ifMatch: "\"1\"");

        stale.Should().Be(HttpStatusCode.PreconditionFailed);
        body["detail"]!.GetValue<string>().Should().Be("If-Match names version 0, but the current version of tenant 'acme' is 1.");
        current.Should().Be(HttpStatusCode.Created);
    }

    [Fact]
    public async Task DeleteRemovesAFileAsANewCheckedVersion()
    {
        using var root = new TenantsRoot();
        await using var host = await HostHarness.StartAsync(root);
        (await PutFileAsync(host.Client, "acme", ScriptPath, MarkProvider("v1"))).Status.Should().Be(HttpStatusCode.Created);
        (await PutFileAsync(host.Client, "acme", "tenant.json", "{}")).Status.Should().Be(HttpStatusCode.Created);

        var (status, _) = await SendAsync(host.Client, new HttpRequestMessage(HttpMethod.Delete, $"api/tenants/acme/files/{ScriptPath}"));
        var (missing, _) = await SendAsync(host.Client, new HttpRequestMessage(HttpMethod.Delete, "api/tenants/acme/files/server/script/none.csx"));

        status.Should().Be(HttpStatusCode.Created);
        missing.Should().Be(HttpStatusCode.NotFound);
        (await MarkAsync(host.Client, "acme")).Should().BeNull("the provider's script is gone");
        (await host.GetJsonAsync("api/tenants/acme/files"))["files"]!.AsArray().Select(f => f!["path"]!.GetValue<string>()).Should().Equal("tenant.json");
    }

    [Theory]
    [InlineData("../evil.dll", "leaves its folder")]
    [InlineData("/etc/evil.dll", "absolute path")]
    [InlineData("lib\\evil.dll", "leaves its folder")]
    public async Task APluginPackageWithAnEscapingEntryIsRefusedNamingTheEntry(string entry, string reason)
    {
        using var root = new TenantsRoot();
        await using var host = await HostHarness.StartAsync(root);

        var (status, body) = await PutBytesAsync(host.Client, "api/tenants/acme/files/server/plugins/Crm", Zip((entry, "MZ")));

        status.Should().Be(HttpStatusCode.BadRequest);
        body["detail"]!.GetValue<string>().Should().Contain($"entry '{entry}'").And.Contain(reason);
        (await SendAsync(host.Client, new HttpRequestMessage(HttpMethod.Get, "api/tenants/acme/versions"))).Status.Should().Be(HttpStatusCode.NotFound, "nothing was stored");
    }

    /// <summary>
    /// Paths no host could write are refused with 400 before anything is stored: a control character, a name longer than a
    /// Linux file system takes, a path longer than every host can hold below its folder, a plugin folder named with a
    /// backslash. (They answered 500, or were stored and then failed on the hosts that made them live.) Control: a plugin
    /// entry of an ordinary name passes the path checks.
    /// </summary>
    [Theory]
    [InlineData("server/plugins/Crm", "Crm\u0000.dll", "control character")]
    [InlineData("server/plugins/Crm", "N*256", "a folder or file name is at most 255 bytes")]
    [InlineData("server/plugins/Crm", "D/*600.dll", "the limit is 1024")]
    [InlineData("server/plugins/a%5Cb", "Crm.dll", "not a relative path")]
    [InlineData("server/plugins/Crm", "Crm.dll", null)]
    public async Task APathNoHostCouldWriteIsRefused(string route, string entry, string? reason)
    {
        using var root = new TenantsRoot();
        await using var host = await HostHarness.StartAsync(root);
        entry = entry switch
        {
            "N*256" => new string('n', 256) + ".dll",
            "D/*600.dll" => string.Concat(Enumerable.Repeat("d/", 600)) + "x.dll",
            _ => entry,
        };

        var (status, body) = await PutBytesAsync(host.Client, $"api/tenants/acme/files/{route}", Zip((entry, "MZ")));

        if (reason is null)
        {
            status.Should().NotBe(HttpStatusCode.BadRequest, "the path is fine (what the bytes hold is checked next): " + body.ToJsonString());
            return;
        }

        status.Should().Be(HttpStatusCode.BadRequest, body.ToJsonString());
        body["detail"]!.GetValue<string>().Should().Contain(reason);
        (await SendAsync(host.Client, new HttpRequestMessage(HttpMethod.Get, "api/tenants/acme/versions"))).Status.Should().Be(HttpStatusCode.NotFound, "nothing was stored");
    }

    /// <summary>A change that would make the tenant's files larger together than WalletCrew:TenantFiles:MaxTenantBytes is
    /// refused, naming the setting, and the live version stays; control: a change within the bound is stored.</summary>
    [Fact]
    public async Task AChangePastTheTenantsTotalBytesIsRefused()
    {
        using var root = new TenantsRoot();
        await using var host = await HostHarness.StartAsync(root, new Dictionary<string, string?> { ["WalletCrew:TenantFiles:MaxTenantBytes"] = "2048" });

        var (first, firstBody) = await PutFileAsync(host.Client, "acme", ScriptPath, MarkProvider("v1"));
        var (second, body) = await PutFileAsync(host.Client, "acme", "server/email/b.liquid", new string('b', 2048));

        first.Should().Be(HttpStatusCode.Created, "within the bound (control): " + firstBody.ToJsonString());
        second.Should().Be(HttpStatusCode.UnprocessableEntity);
        body["detail"]!.GetValue<string>().Should().StartWith("The tenant's files would hold ").And.EndWith(" bytes together; the limit is 2,048 (WalletCrew:TenantFiles:MaxTenantBytes).");
        (await host.GetJsonAsync("api/tenants/acme/files"))["version"]!.GetValue<long>().Should().Be(1);
    }

    [Fact]
    public async Task AnOversizedPluginEntryAndAPathOutsideTheTenantFilesAreRefused()
    {
        using var root = new TenantsRoot();
        await using var host = await HostHarness.StartAsync(root, new Dictionary<string, string?> { ["WalletCrew:TenantFiles:MaxFileBytes"] = "100" });

        var (big, bigBody) = await PutBytesAsync(host.Client, "api/tenants/acme/files/server/plugins/Crm", Zip(("Crm.dll", new string('x', 101))));
        var (outside, outsideBody) = await PutFileAsync(host.Client, "acme", "server/secrets.txt", "x");

        big.Should().Be(HttpStatusCode.BadRequest);
        bigBody["detail"]!.GetValue<string>().Should().Be("Plugin package 'server/plugins/Crm': entry 'Crm.dll' is 101 bytes; the limit is 100 bytes per file (WalletCrew:TenantFiles:MaxFileBytes).");
        outside.Should().Be(HttpStatusCode.BadRequest);
        outsideBody["detail"]!.GetValue<string>().Should().StartWith("'server/secrets.txt' is not a tenant file; use tenant.json, server/script/**/*.csx");
    }

    /// <summary>
    /// A body over its limit is refused with 413 naming the setting that sets that limit (every 413 named
    /// WalletCrew:Api:MaxRequestBodyBytes, which none of these routes reads). Control: ingest names its own.
    /// </summary>
    [Theory]
    [InlineData("api/tenants/acme/files/server/script/big.csx", "WalletCrew:TenantFiles:MaxFileBytes", 2048)]
    [InlineData("api/tenants/acme/files/server/plugins/Crm", "WalletCrew:TenantFiles:MaxUploadBytes", 4096)]
    [InlineData("api/tenants/acme/files", "WalletCrew:TenantFiles:MaxUploadBytes", 4096)]
    [InlineData("api/tenants/acme/passes/R1", "WalletCrew:Wallets:MaxPassRequestBytes", 8192)]
    [InlineData("api/tenants/acme/passes/P1/installations", "WalletCrew:Api:MaxRequestBodyBytes", 16384)]
    public async Task ABodyOverItsLimitNamesTheSettingThatSetsIt(string route, string setting, int limit)
    {
        using var root = new TenantsRoot();
        await using var host = await HostHarness.StartAsync(root, new Dictionary<string, string?>
        {
            ["WalletCrew:TenantFiles:MaxFileBytes"] = "2048",
            ["WalletCrew:TenantFiles:MaxUploadBytes"] = "4096",
            ["WalletCrew:Wallets:MaxPassRequestBytes"] = "8192",
            ["WalletCrew:Api:MaxRequestBodyBytes"] = "16384",
        });
        using var request = new HttpRequestMessage(route.EndsWith("/installations", StringComparison.Ordinal) ? HttpMethod.Post : HttpMethod.Put, route)
        {
            Content = new ByteArrayContent(new byte[limit + 1]) { Headers = { ContentType = new("application/json") } },
        };

        var (status, body) = await SendAsync(host.Client, request);

        status.Should().Be(HttpStatusCode.RequestEntityTooLarge);
        body["detail"]!.GetValue<string>().Should().Be($"The body is {limit + 1} bytes; the limit is {limit} bytes ({setting}).");
    }

    [Fact]
    public async Task AStoredTenantsSandboxedWorkerIsOneOfTheHostsWorkers()
    {
        using var root = new TenantsRoot();
        await using var host = await HostHarness.StartAsync(root, new Dictionary<string, string?>
        {
            ["WalletCrew:Engine:Isolation"] = "sandbox",
            ["WalletCrew:Tenants:acme:Secrets:MODE"] = "ok",
        });
        var before = (await host.GetJsonAsync("health/ready"))["workers"]!.GetValue<int>();
        (await PutFileAsync(host.Client, "acme", ScriptPath, Scripts.RecordingHook)).Status.Should().Be(HttpStatusCode.Created);

        await HostHarness.IngestUntilAcceptedAsync(host, "acme", "P1");
        await HostHarness.WaitUntilAsync(async () => (await host.GetJsonAsync("api/admin/tenants/acme/logs")).AsArray().Count > 0, TimeSpan.FromSeconds(60), "the stored tenant delivered in its worker");
        var after = (await host.GetJsonAsync("health/ready"))["workers"]!.GetValue<int>();

        before.Should().Be(0, "control: no tenant, no worker");
        after.Should().Be(1, "the stored tenant's worker is one of the host's workers (one pool, one MaxWorkers, counted in readiness)");
    }

    [Fact]
    public async Task EmailTemplatesAreKeptWhereTheEngineReadsThemAndNowhereElse()
    {
        using var root = new TenantsRoot();
        await using var host = await HostHarness.StartAsync(root);
        (await PutFileAsync(host.Client, "acme", ScriptPath, Scripts.RecordingHook)).Status.Should().Be(HttpStatusCode.Created);

        var (template, _) = await PutFileAsync(host.Client, "acme", "server/email/welcome.fr.liquid", "Bienvenue {{ name }}\nBonjour");
        var (otherFolder, otherBody) = await PutFileAsync(host.Client, "acme", "server/templates/welcome.liquid", "x");
        var (nested, _) = await PutFileAsync(host.Client, "acme", "server/email/drafts/welcome.liquid", "x");
        var (notLiquid, _) = await PutFileAsync(host.Client, "acme", "server/email/welcome.txt", "x");

        template.Should().Be(HttpStatusCode.Created, "server/email/<template>[.<culture>].liquid is where SendEmail's templates are read");
        otherFolder.Should().Be(HttpStatusCode.BadRequest);
        otherBody["detail"]!.GetValue<string>().Should().Contain("server/email/*.liquid");
        nested.Should().Be(HttpStatusCode.BadRequest, "the engine reads templates from the folder itself, not below it");
        notLiquid.Should().Be(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task EachDeliveryAttemptRecordsTheVersionThatHandledIt()
    {
        using var root = new TenantsRoot();
        await using var host = await HostHarness.StartAsync(root, new Dictionary<string, string?> { ["WalletCrew:Tenants:acme:Secrets:MODE"] = "ok" });
        (await PutFileAsync(host.Client, "acme", ScriptPath, Scripts.RecordingHook)).Status.Should().Be(HttpStatusCode.Created);
        var first = (await HostHarness.IngestUntilAcceptedAsync(host, "acme", "P1"))["eventId"]!.GetValue<string>();
        await HostHarness.WaitUntilAsync(async () => (await host.GetJsonAsync("api/admin/tenants/acme/logs")).AsArray().Count > 0, TimeSpan.FromSeconds(30), "the event was delivered");
        (await PutFileAsync(host.Client, "acme", "tenant.json", "{}")).Status.Should().Be(HttpStatusCode.Created);
        await HostHarness.IngestUntilAcceptedAsync(host, "acme", "P2");
        await HostHarness.WaitUntilAsync(async () => (await host.GetJsonAsync("api/admin/tenants/acme/logs")).AsArray().Count > 1, TimeSpan.FromSeconds(30), "the second event was delivered");

        var logs = (await host.GetJsonAsync("api/admin/tenants/acme/logs")).AsArray();

        logs.Select(l => l!["tenantVersion"]!.GetValue<long>()).Should().Equal(2, 1);
        using var console = new ConsoleClient(host.BaseAddress);
        (await console.SignInAsync(HostHarness.ApiKey)).StatusCode.Should().Be(HttpStatusCode.Redirect);
        var (_, page) = await console.GetAsync($"console/deliveries/{first}");
        page.Should().MatchRegex(@"<summary>Attempt 1 · .*· tenant version 1</summary>", "the console shows the version on the attempt");
    }

    [Fact]
    public async Task WithoutTheImportAFolderTenantEntersTheStoreWithItsFirstChangeAndTheStoreWinsOverAnEditedFolderAfterARestart()
    {
        // The harness turns the import off: the tenant stays a folder tenant until its first change through the API.
        using var root = new TenantsRoot();
        root.WriteSettings("acme", "{}");
        root.WriteScript("acme", MarkProvider("folder"));
        await using (var host = await HostHarness.StartAsync(root))
        {
            (await MarkAsync(host.Client, "acme")).Should().Be("folder");
            (await SendAsync(host.Client, new HttpRequestMessage(HttpMethod.Get, "api/tenants/acme/files"))).Status.Should().Be(HttpStatusCode.NotFound);

            var (status, _) = await PutFileAsync(host.Client, "acme", "server/script/extra.csx", "context.register(\"runtime.scriptable.customerProvider.extra\", new { Fill = (Func<string, object>)(p => new { p }) });");

            status.Should().Be(HttpStatusCode.Created);
            (await host.GetJsonAsync("api/tenants/acme/files"))["files"]!.AsArray().Select(f => f!["path"]!.GetValue<string>())
                .Should().Equal("server/script/connector.csx", "server/script/extra.csx", "tenant.json");
        }

        // The folder changes later (an older copy, or someone editing it), and the import is on (the default): the current
        // version was made through the API, not from this folder, so the stored version still wins (TenantFolderVersionsTests
        // has the control: an edit of the folder the current version came from is taken).
        root.WriteScript("acme", MarkProvider("stale folder"));
        await using (var host = await HostHarness.StartAsync(root, new Dictionary<string, string?> { ["WalletCrew:TenantFiles:ImportFolders"] = null }))
        {
            (await MarkAsync(host.Client, "acme")).Should().Be("folder");
            (await host.GetJsonAsync("api/admin/connectors?tenantId=acme")).AsArray().Single()!["tenantVersion"]!.GetValue<long>().Should().Be(1);
        }
    }

    [Theory]
    [InlineData(ScopedHost.AdminKey, HttpStatusCode.Created)]
    [InlineData(ScopedHost.PlatformKey, HttpStatusCode.Created)]
    [InlineData(AcmeFilesKey, HttpStatusCode.Created)]
    [InlineData(ScopedHost.AcmeKey, HttpStatusCode.Forbidden)]
    [InlineData(GlobexFilesKey, HttpStatusCode.Forbidden)]
    public async Task PlatformAdminAndTheTenantsFilesKeyMayChangeItsFilesOthersMayNot(string key, HttpStatusCode expected)
    {
        using var root = new TenantsRoot();
        await using var host = await StartWithFileKeysAsync(root);
        host.Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);

        var (status, body) = await PutFileAsync(host.Client, "acme", ScriptPath, MarkProvider("v1"));
        var (read, _) = await SendAsync(host.Client, new HttpRequestMessage(HttpMethod.Get, "api/tenants/acme/versions"));

        status.Should().Be(expected);
        read.Should().Be(expected == HttpStatusCode.Created ? HttpStatusCode.OK : HttpStatusCode.Forbidden);
        if (expected == HttpStatusCode.Forbidden)
        {
            body["requiredScopes"]!.AsArray().Select(s => s!.GetValue<string>()).Should().Equal("platform", "admin", "tenant-files:acme");
        }
    }

    [Fact]
    public async Task ATenantFilesKeyOpensNothingButItsTenantsFiles()
    {
        using var root = new TenantsRoot().WriteScript("acme", Scripts.RecordingHook);
        await using var host = await StartWithFileKeysAsync(root);
        host.Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AcmeFilesKey);

        (await PutFileAsync(host.Client, "acme", ScriptPath, MarkProvider("v1"))).Status.Should().Be(HttpStatusCode.Created);
        (await host.IngestAsync("acme", "P1")).Status.Should().Be(HttpStatusCode.Forbidden);
        (await SendAsync(host.Client, new HttpRequestMessage(HttpMethod.Get, "api/admin/deliveries?tenantId=acme"))).Status.Should().Be(HttpStatusCode.Forbidden);
        (await SendAsync(host.Client, new HttpRequestMessage(HttpMethod.Get, "api/admin/connectors"))).Status.Should().Be(HttpStatusCode.Forbidden);
        (await SendAsync(host.Client, new HttpRequestMessage(HttpMethod.Post, "api/tenants/acme/versions/1/restore"))).Status.Should().Be(HttpStatusCode.Created);
        (await SendAsync(host.Client, new HttpRequestMessage(HttpMethod.Post, "api/tenants/globex/versions/1/restore"))).Status.Should().Be(HttpStatusCode.Forbidden);
    }

    private static Task<HostHarness> StartWithFileKeysAsync(TenantsRoot root) => HostHarness.StartAsync(root, new Dictionary<string, string?>
    {
        ["WalletCrew:ApiKeys:0"] = null,
        ["WalletCrew:ApiKeys:0:Key"] = ScopedHost.AdminKey,
        ["WalletCrew:ApiKeys:0:Scopes:0"] = "admin",
        ["WalletCrew:ApiKeys:1:Key"] = ScopedHost.PlatformKey,
        ["WalletCrew:ApiKeys:1:Scopes:0"] = "platform",
        ["WalletCrew:ApiKeys:2:Key"] = ScopedHost.AcmeKey,
        ["WalletCrew:ApiKeys:2:Scopes:0"] = "tenant:acme",
        ["WalletCrew:ApiKeys:3:Key"] = AcmeFilesKey,
        ["WalletCrew:ApiKeys:3:Scopes:0"] = "tenant-files:acme",
        ["WalletCrew:ApiKeys:4:Key"] = GlobexFilesKey,
        ["WalletCrew:ApiKeys:4:Scopes:0"] = "tenant-files:globex",
    });
}
