using System.Text.Json;
using WalletCrew.Plugins.Engine.Sandbox;
using WalletCrew.Plugins.Engine.Tests.Refit;
using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Engine.Tests.Sandbox;

/// <summary>Connectors behave in a worker as they do in-process: typed clients, Fill data, hot reload, and the compiler stays out.</summary>
public sealed class SandboxedConnectorTests
{
    private const string Logging = """
        context.register("runtime.wallet.passUpdater", new { OnPassInstalled = (Func<string, Task>)(passId => { console.log("VERSION " + passId); return Task.CompletedTask; }) });
        """;

    /// <summary>What honest connectors use from the platform (cultures, collation and casing from ICU, time zones, hashes and
    /// HMACs from OpenSSL, compression, regular expressions) gives in a worker, which sees only the runtime's own files of the
    /// host's, what it gives in-process.</summary>
    [Fact]
    public async Task ThePlatformsCulturesTimeZonesAndCryptographyWorkInAWorkerAsInProcess()
    {
        const string Platform = """
            using System.Globalization;
            using System.Security.Cryptography;
            using System.Text;
            context.register("runtime.wallet.passUpdater", new { OnPassInstalled = (Func<string, Task>)(passId =>
            {
                var fr = CultureInfo.GetCultureInfo("fr-FR");
                var paris = TimeZoneInfo.ConvertTimeBySystemTimeZoneId(new DateTime(2026, 7, 1, 12, 0, 0, DateTimeKind.Utc), "Europe/Paris");
                var parts = new[]
                {
                    1234.5m.ToString("C", fr),
                    paris.ToString("f", fr),
                    string.Compare("résumé", "RESUME", fr, CompareOptions.IgnoreCase | CompareOptions.IgnoreNonSpace).ToString(),
                    "istanbul".ToUpper(CultureInfo.GetCultureInfo("tr-TR")),
                    Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(passId))),
                    Convert.ToHexString(HMACSHA256.HashData(Encoding.UTF8.GetBytes("key"), Encoding.UTF8.GetBytes(passId))),
                    System.Text.RegularExpressions.Regex.Match(passId, "[0-9]+").Value,
                };
                console.log(string.Join(" | ", parts));
                return Task.CompletedTask;
            }) });
            """;
        var outcomes = new List<string>();
        foreach (var isolation in new[] { IsolationMode.InProcess, IsolationMode.Sandbox })
        {
            using var harness = new EngineHarness(isolation: isolation);
            using var tenant = harness.Load(Platform);
            tenant.Diagnostics.Where(d => d.IsError).Select(d => d.Message).Should().BeEmpty();
            var result = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);
            result.Status.Should().Be(InvocationStatus.Succeeded, result.Error);
            outcomes.Add(result.Log.Single().Message);
        }

        outcomes[0].Should().Contain("234,50 €").And.Contain("juillet 2026 14:00").And.Contain("İSTANBUL", "ICU's cultures answered in-process");
        outcomes[1].Should().Be(outcomes[0]);
    }

    [Fact]
    public async Task ARefitClientInAWorkerCallsThePartnerThroughTheHost()
    {
        await using var stub = await PartnerStub.StartAsync();
        stub.Handler = PartnerStub.Respond(200, """{"points":120,"tier":"gold","since":"2020-01-01"}""");
        using var harness = new EngineHarness(isolation: IsolationMode.Sandbox);
        using var tenant = harness.Load(RefitScripts.Loyalty(stub.BaseAddress), "refitProvider.csx");
        tenant.Diagnostics.Should().BeEmpty();

        var result = await tenant.FillAsync("refit", TestEvents.Fill(), CancellationToken.None);

        result.Status.Should().Be(InvocationStatus.Succeeded, result.Error);
        result.Data!.ToJsonString().Should().Be("""{"points":120,"tier":"gold"}""");
        stub.Requests.Should().ContainSingle().Which.Path.Should().Be("/customers/C42");
    }

    [Fact]
    public async Task ASavedScriptGoesLiveInTheWorkerAndABrokenSaveKeepsTheWorkingVersion()
    {
        using var harness = new EngineHarness(isolation: IsolationMode.Sandbox);
        using var tenant = harness.Load(Logging.Replace("VERSION", "v1", StringComparison.Ordinal));
        var worker = ((SandboxedTenant)tenant.Runtime).WorkerProcessId;

        harness.Folder.WriteScript("connector.csx", Logging.Replace("VERSION", "v2", StringComparison.Ordinal));
        (await tenant.ReloadAsync()).Should().BeTrue();
        var second = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);
        harness.Folder.WriteScript("connector.csx", "context.register(\"runtime.wallet.passUpdater\", new { OnPassInstalled = (string passId) => undefinedName });");
        await tenant.ReloadAsync();
        var third = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);

        second.Log.Single().Message.Should().Be("v2 P1");
        third.Log.Single().Message.Should().Be("v2 P1", "a broken save never replaces the working version");
        tenant.Diagnostics.Should().Contain(d => d.Code == "CS0103" && d.Line == 1);
        ((SandboxedTenant)tenant.Runtime).WorkerProcessId.Should().Be(worker, "a reload swaps the version inside the running worker");
    }

    [Fact]
    public async Task ASecretChangedBetweenCallsIsSeenByTheNextCall()
    {
        // The secrets a tenant asked for travel with its next calls, read when each call starts: never a stale value.
        using var harness = new EngineHarness(isolation: IsolationMode.Sandbox);
        harness.Secrets.Set("test-tenant", "API-KEY", "first");
        using var tenant = harness.Load("""
            context.register("runtime.wallet.passUpdater", new { OnPassInstalled = (Func<string, Task>)(async passId => console.log((await getSecret("API-KEY")).ToUpperInvariant())) }); // logged changed: the tenant log redacts the value itself
            """);

        var first = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);
        harness.Secrets.Set("test-tenant", "API-KEY", "rotated");
        var second = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);

        first.Log.Single().Message.Should().Be("FIRST");
        second.Log.Single().Message.Should().Be("ROTATED");
    }

    /// <summary>
    /// Secret names are tenant code's to choose: asking for thousands that do not exist (long names here) must not grow what
    /// the host keeps for the tenant and sends with every later call; a secret that exists still travels with them.
    /// </summary>
    [Fact]
    public async Task AskingForManyMissingSecretsWeighsOnNoLaterCall()
    {
        using var harness = new EngineHarness(isolation: IsolationMode.Sandbox);
        harness.Secrets.Set("test-tenant", "API-KEY", "k-123");
        using var tenant = harness.Load("""
            context.register("runtime.wallet.passUpdater", new { OnPassInstalled = (Func<string, Task>)(async passId =>
            {
                if (passId == "probe")
                {
                    var padding = new string('n', 1000); // names up to the limit (EngineDefaults.SecretNameChars)
                    for (var i = 0; i < 9000; i++)
                    {
                        try { await getSecret(padding + i); } catch (KeyNotFoundException) { }
                    }
                }
                console.log(passId + " " + (await getSecret("API-KEY")).Length);
            }) });
            """);

        var probe = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(passId: "probe"), CancellationToken.None);
        var again = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(passId: "probe"), CancellationToken.None);
        var next = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(passId: "P2"), CancellationToken.None);

        probe.Status.Should().Be(InvocationStatus.Succeeded, probe.Error);
        again.Status.Should().Be(InvocationStatus.Succeeded, again.Error);
        next.Status.Should().Be(InvocationStatus.Succeeded, "17 MiB of names asked for before must not travel with it: {0}", next.Error);
        next.Log.Single().Message.Should().Be("P2 5");
    }

    /// <summary>
    /// A request whose data is too large for the channel once written as JSON (3 million '&lt;', each escaped to six bytes)
    /// fails, named, instead of throwing out of the engine; nothing reached the worker, which serves the next call.
    /// </summary>
    [Fact]
    public async Task ACallTooLargeForTheChannelFailsNamingTheLimitAndTheWorkerServesTheNext()
    {
        using var harness = new EngineHarness(isolation: IsolationMode.Sandbox);
        using var tenant = harness.Load("""
            Dictionary<string, object> fill(string passId) => new() { ["pass"] = passId };
            context.register("runtime.scriptable.customerProvider.crm", new { fill });
            """);
        var first = ((SandboxedTenant)tenant.Runtime).WorkerProcessId;
        var huge = new FillRequest("test-tenant", "P1", "loyalty", new Dictionary<string, string>(),
            new Dictionary<string, JsonElement> { ["note"] = JsonSerializer.SerializeToElement(new string('<', 3_000_000)) });

        var tooLarge = await tenant.FillAsync("crm", huge, CancellationToken.None);
        var next = await tenant.FillAsync("crm", TestEvents.Fill(), CancellationToken.None);

        tooLarge.Status.Should().Be(InvocationStatus.Failed);
        tooLarge.Error.Should().Contain("over the channel's frame limit of 16777216 bytes").And.Contain("too large for a sandboxed call");
        next.Status.Should().Be(InvocationStatus.Succeeded, next.Error);
        ((SandboxedTenant)tenant.Runtime).WorkerProcessId.Should().Be(first, "the worker was not affected");
    }

    [Fact]
    public async Task ARestartWithUnchangedFilesStartsNoWorkerUntilTheFirstCall()
    {
        var cache = Directory.CreateTempSubdirectory("wcp-state-").FullName;
        using var folder = new TenantFolder();
        folder.WriteScript("connector.csx", Logging.Replace("VERSION", "v1", StringComparison.Ordinal));
        using (var first = new EngineHarness(isolation: IsolationMode.Sandbox, compileCache: cache))
        using (var loaded = first.Engine.LoadTenant(folder.Directory))
        {
            ((SandboxedTenant)loaded.Runtime).WorkerProcessId.Should().NotBeNull("a tenant seen for the first time loads in a worker at once");
        }

        using var restarted = new EngineHarness(isolation: IsolationMode.Sandbox, compileCache: cache);
        using var tenant = restarted.Engine.LoadTenant(folder.Directory);
        var atLoad = ((SandboxedTenant)tenant.Runtime).WorkerProcessId;
        var result = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);
        folder.WriteScript("connector.csx", Logging.Replace("VERSION", "v2", StringComparison.Ordinal));
        using var changed = restarted.Engine.LoadTenant(folder.Directory);

        atLoad.Should().BeNull("the same files: the saved state stands in until the first call");
        tenant.PassUpdaterCount.Should().Be(1);
        result.Log.Single().Message.Should().Be("v1 P1");
        ((SandboxedTenant)changed.Runtime).WorkerProcessId.Should().NotBeNull("changed files load in a worker at once (the control)");
        Directory.Delete(cache, recursive: true);
    }

    [Fact]
    public async Task CallsArrivingWhileTheFirstCallsWorkerLoadsWaitForTheLoad()
    {
        // After a restart the worker starts on the first call; calls that come while it loads the connectors must run once it
        // has, never reach it before the load (a worker with no tenant loaded cannot answer them: they would hang to their deadline).
        await using var partner = await PartnerStub.StartAsync();
        var answer = PartnerStub.Respond(200, "{}");
        partner.Handler = async context =>
        {
            await Task.Delay(300); // the connectors' load waits for this answer: a window for calls to arrive in
            await answer(context);
        };
        var cache = Directory.CreateTempSubdirectory("wcp-state-").FullName;
        using var folder = new TenantFolder();
        folder.WriteScript("connector.csx", $"await fetch(\"{partner.BaseAddress}/settings\");\n" + Logging.Replace("VERSION", "v1", StringComparison.Ordinal));
        // The same limits in both engines: they are part of what a restart compares before it reuses the saved state.
        using (var first = new EngineHarness(isolation: IsolationMode.Sandbox, compileCache: cache, invocationTimeout: TimeSpan.FromSeconds(3)))
        using (var loaded = first.Engine.LoadTenant(folder.Directory))
        {
            loaded.Diagnostics.Should().BeEmpty();
        }

        using var restarted = new EngineHarness(isolation: IsolationMode.Sandbox, compileCache: cache, invocationTimeout: TimeSpan.FromSeconds(3));
        using var tenant = restarted.Engine.LoadTenant(folder.Directory);
        var calls = new List<Task<InvocationResult>>();
        do
        {
            // Spaced until the first call is done, so that some of them arrive while the worker is loading, whatever the machine's speed.
            calls.Add(tenant.InvokePassUpdatersAsync(TestEvents.Installation(passId: $"P{calls.Count}"), CancellationToken.None));
            await Task.Delay(5);
        }
        while (calls.Count < 400 && !calls[0].IsCompleted);

        var results = await Task.WhenAll(calls);

        results.Length.Should().BeGreaterThan(10, "calls came while the worker loaded");
        results.Should().AllSatisfy(r => r.Status.Should().Be(InvocationStatus.Succeeded, r.Error));
        Directory.Delete(cache, recursive: true);
    }

    [Fact]
    public async Task TheCompilerNeverLoadsInAWorker()
    {
        using var harness = new EngineHarness(isolation: IsolationMode.Sandbox);
        using var tenant = harness.Load(Logging);
        (await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None)).Succeeded.Should().BeTrue();

        var mapped = WorkerMappedFiles(((SandboxedTenant)tenant.Runtime).WorkerProcessId!.Value);

        mapped.Should().Contain(f => f.EndsWith("WalletCrew.Plugins.Engine.dll", StringComparison.Ordinal), "the control: the worker's own assemblies are seen");
        mapped.Should().NotContain(f => f.Contains("Microsoft.CodeAnalysis", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AScriptTenantsWorkerLoadsNeitherCryptographyNorTheExpressionCompilerUnlessItsConnectorsUseThem()
    {
        using (var harness = new EngineHarness(isolation: IsolationMode.Sandbox))
        {
            using var tenant = harness.Load(Logging);
            (await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None)).Succeeded.Should().BeTrue();

            var mapped = WorkerMappedFiles(((SandboxedTenant)tenant.Runtime).WorkerProcessId!.Value);
            mapped.Should().NotContain(f => IsCryptography(f),
                "naming and loading the tenant's compiled images takes neither OpenSSL nor its .NET assembly (~7 MiB and ~10 ms per worker)");
            mapped.Should().NotContain(f => IsExpressionCompiler(f),
                "binding a JavaScript-style hook generates no code (System.Linq.Expressions: ~2.4 MiB per worker)");
        }

        using var hashing = new EngineHarness(isolation: IsolationMode.Sandbox, widenPolicy: allow => allow
            .Types("System.Security.Cryptography", "SHA256").Types("System.Linq.Expressions", "Expression", "Expression`1"));
        using var control = hashing.Load("""
            context.register("runtime.wallet.passUpdater", new { OnPassInstalled = (Func<string, Task>)(passId =>
            {
                System.Linq.Expressions.Expression<Func<int, int>> twice = x => x * 2;
                console.log(Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(new byte[] { 1 })), twice.Compile()(21));
                return Task.CompletedTask;
            }) });
            """);
        var used = await control.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);

        used.Status.Should().Be(InvocationStatus.Succeeded, used.Error);
        var usedMapped = WorkerMappedFiles(((SandboxedTenant)control.Runtime).WorkerProcessId!.Value);
        usedMapped.Should().Contain(f => IsCryptography(f), "the control: a hook that hashes loads it");
        usedMapped.Should().Contain(f => IsExpressionCompiler(f), "the control: a hook that compiles an expression loads it");
    }

    [Fact]
    public async Task AHookThatBlocksItsThreadHoldsUpNeitherTheTenantsOtherCallsNorItsOwnCallsBack()
    {
        // A worker runs each request on the thread that read it: code past the policy that blocks instead of awaiting must not
        // stop the channel (the tenant's next call, the answer to a secret it waits for on its own thread).
        using var harness = new EngineHarness(isolation: IsolationMode.Sandbox, widenPolicy: allow => allow.Types("System.Threading", "Thread"));
        harness.Secrets.Set("test-tenant", "API-KEY", "12345");
        using var tenant = harness.Load("""
            context.register("runtime.wallet.passUpdater", new { OnPassInstalled = (Func<string, Task>)(async passId =>
            {
                if (passId == "sleeps") { System.Threading.Thread.Sleep(5000); }
                if (passId == "waits") { var secret = getSecret("API-KEY"); while (!secret.IsCompleted) { System.Threading.Thread.Sleep(1); } console.log("secret of " + (await secret).Length); }
                console.log("done " + passId);
            }) });
            """);
        tenant.Diagnostics.Should().BeEmpty();
        (await tenant.InvokePassUpdatersAsync(TestEvents.Installation(passId: "warm"), CancellationToken.None)).Succeeded.Should().BeTrue();

        var sleeping = tenant.InvokePassUpdatersAsync(TestEvents.Installation(passId: "sleeps"), CancellationToken.None);
        var waiting = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(passId: "waits"), CancellationToken.None);
        var next = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(passId: "P2"), CancellationToken.None);

        waiting.Status.Should().Be(InvocationStatus.Succeeded, waiting.Error);
        waiting.Log.Select(l => l.Message).Should().Equal("secret of 5", "done waits");
        next.Status.Should().Be(InvocationStatus.Succeeded, next.Error);
        sleeping.IsCompleted.Should().BeFalse("the sleeping call still runs while the others are answered");
        (await sleeping).Status.Should().Be(InvocationStatus.Succeeded);
    }

    [Fact]
    public async Task AWorkerThatWritesGarbageOnItsChannelIsKilledAndTheNextCallGetsAFreshOne()
    {
        using var harness = new EngineHarness(isolation: IsolationMode.Sandbox, widenPolicy: allow => allow.Types("System", "Console").Types("System.IO", "Stream"));
        using var tenant = harness.Load("""
            context.register("runtime.wallet.passUpdater", new { OnPassInstalled = (Func<string, Task>)(passId =>
            {
                if (passId == "evil") { var o = Console.OpenStandardOutput(); o.Write(new byte[] { 0xff, 0xff, 0xff, 0x7f, 1, 2, 3 }); o.Flush(); }
                console.log("ok " + passId);
                return Task.CompletedTask;
            }) });
            """);

        var evil = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(passId: "evil"), CancellationToken.None);
        var next = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(passId: "P2"), CancellationToken.None);

        evil.Status.Should().Be(InvocationStatus.Failed);
        evil.Error.Should().Contain(SandboxMessages.MalformedFrame);
        next.Status.Should().Be(InvocationStatus.Succeeded, next.Error);
    }

    private static bool IsCryptography(string file) =>
        Path.GetFileName(file) is var name && (name.StartsWith("libcrypto", StringComparison.Ordinal) || name == "System.Security.Cryptography.dll");

    private static bool IsExpressionCompiler(string file) => Path.GetFileName(file) == "System.Linq.Expressions.dll";

    private static List<string> WorkerMappedFiles(int bwrapPid) =>
        [.. ProcessTree.SelfAndDescendants(bwrapPid)
            .SelectMany(pid => File.ReadLines($"/proc/{pid}/maps"))
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(p => p.Length >= 6)
            .Select(p => p[5])];
}
