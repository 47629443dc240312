using System.Globalization;
using WalletCrew.Plugins.Engine.Sandbox;
using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Engine.Tests.Sandbox;

/// <summary>
/// A root host (as CI runs) starts its workers as <c>nobody</c> outside their namespaces, not as root: every process of a
/// worker belongs to uid 65534, and a file the sandbox shows that only root may read stays unread, whether the worker was
/// a spare or started for its tenant. Control: with the switch off (<c>WorkerUid</c> null) the same workers are root and
/// read it. Where others cannot reach what a worker binds, the host gives the worker copies others can read.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class WorkerUserTests
{
    private const string ReadRootOnly = """
        try { return File.ReadAllText("/tenants/test-tenant/root-only.txt"); }
        catch (Exception e) { return "BLOCKED:" + e.GetType().Name; }
        """;

    [Theory]
    [InlineData(1, 65534)]
    [InlineData(0, 65534)]
    [InlineData(1, null)] // control: root, as the host
    [InlineData(0, null)]
    public async Task EveryProcessOfARootHostsWorkerIsNobodys(int spares, int? workerUid)
    {
        using var harness = new EngineHarness(isolation: IsolationMode.Sandbox, widenPolicy: HostileConnectors.PolicyOff,
            sandbox: new SandboxOptions { SpareWorkers = spares, WorkerUid = workerUid });
        using var tenant = harness.Load(HostileConnectors.Hook("""return "called";"""));
        ((SandboxedTenant)tenant.Runtime).WorkerSeesCopies.Should().Be(spares > 0);

        (await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None)).Status.Should().Be(InvocationStatus.Succeeded);

        var worker = ((SandboxedTenant)tenant.Runtime).WorkerProcessId!.Value;
        var processes = ProcessTree.SelfAndDescendants(worker).ToList();
        processes.Should().HaveCountGreaterThanOrEqualTo(3, "bubblewrap outside, bubblewrap inside and the worker");
        processes.Select(RealUid).Should().AllBeEquivalentTo(workerUid ?? 0);
        harness.Engine.SandboxLayers!.Unprivileged.Should().Be(workerUid is not null);
    }

    [Theory]
    [InlineData(1, 65534, "BLOCKED:UnauthorizedAccessException")]
    [InlineData(0, 65534, "BLOCKED:UnauthorizedAccessException")]
    [InlineData(1, null, "root's alone")] // control: the same hook in a root worker reads it
    [InlineData(0, null, "root's alone")]
    public async Task AFileOnlyRootMayReadStaysUnread(int spares, int? workerUid, string expected)
    {
        using var harness = new EngineHarness(isolation: IsolationMode.Sandbox, widenPolicy: HostileConnectors.PolicyOff,
            sandbox: new SandboxOptions { SpareWorkers = spares, WorkerUid = workerUid });
        var file = Path.Combine(harness.Folder.Directory, "root-only.txt");
        File.WriteAllText(file, "root's alone");
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        using var tenant = harness.Load(HostileConnectors.Hook(ReadRootOnly));
        var result = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);

        result.Status.Should().Be(InvocationStatus.Succeeded, result.Error);
        result.Log.Single().Message.Should().Be("ESCAPED:" + expected);
    }

    /// <summary>A host installed where others may not look (a checkout under a private folder): the worker program is copied
    /// once where the workers' user may, and the workers still run as nobody.</summary>
    [Fact]
    public async Task AWorkerProgramOthersCannotReachIsCopiedForTheWorkers()
    {
        var hidden = Directory.CreateTempSubdirectory("wcp-private-").FullName;
        try
        {
            var program = Path.Combine(hidden, "worker");
            CopyFolder(Path.GetDirectoryName(WorkerLauncher.ProgramPath(new SandboxOptions()))!, program);
            WorkerUser.Unreachable([program]).Should().Be(program, "its folder is mode 0700");

            using var harness = new EngineHarness(isolation: IsolationMode.Sandbox, widenPolicy: HostileConnectors.PolicyOff, sandbox: new SandboxOptions { WorkerDirectory = program });
            using var tenant = harness.Load(HostileConnectors.Hook("""return "called";"""));
            (await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None)).Status.Should().Be(InvocationStatus.Succeeded);

            ProcessTree.SelfAndDescendants(((SandboxedTenant)tenant.Runtime).WorkerProcessId!.Value).Select(RealUid).Should().AllBeEquivalentTo(WorkerUser.Nobody);
            harness.Engine.SandboxLayers!.Warnings.Should().BeEmpty();
        }
        finally
        {
            Directory.Delete(hidden, recursive: true);
        }
    }

    /// <summary>A tenant's folder below one others may not pass (a root host's tenants in a private folder): bubblewrap as
    /// nobody could not bind it, so the worker gets copies in a slot of its own, still runs as nobody, and a saved script
    /// goes live through the copy on reload.</summary>
    [Fact]
    public async Task ATenantFolderOthersCannotReachIsCopiedForItsWorker()
    {
        using var harness = new EngineHarness(isolation: IsolationMode.Sandbox, widenPolicy: HostileConnectors.PolicyOff, sandbox: new SandboxOptions { SpareWorkers = 0 });
        File.SetUnixFileMode(Path.GetDirectoryName(harness.Folder.Directory)!, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        WorkerUser.Unreachable([harness.Folder.Directory]).Should().Be(harness.Folder.Directory);

        using var tenant = harness.Load(HostileConnectors.Hook("""return "v1";"""));
        (await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None)).Log.Single().Message.Should().Be("ESCAPED:v1");
        var runtime = (SandboxedTenant)tenant.Runtime;
        runtime.WorkerSeesCopies.Should().BeTrue("no spare was there to claim: the worker has a slot of its own");
        ProcessTree.SelfAndDescendants(runtime.WorkerProcessId!.Value).Select(RealUid).Should().AllBeEquivalentTo(WorkerUser.Nobody);

        harness.Folder.WriteScript("connector.csx", HostileConnectors.Hook("""return "v2";"""));
        (await tenant.ReloadAsync()).Should().BeTrue();
        (await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None)).Log.Single().Message.Should().Be("ESCAPED:v2");
        harness.Engine.SandboxLayers!.Should().Match<SandboxLayers>(layers => layers.Unprivileged && layers.Warnings.Count == 0);
    }

    /// <summary>The copies a root host makes for its workers (a slot's tenant files here) are open to the workers' group and
    /// to no other user: nobody reads them, another unprivileged user does not, even where the tenant's own file is
    /// world-readable. Control: the same file in the tenant's own folder is readable by that user.</summary>
    [Fact]
    public void CopiesForTheWorkersAreHiddenFromOtherUsers()
    {
        using var folder = new TenantFolder();
        var script = Path.Combine(folder.Directory, folder.WriteScript("connector.csx", "// tenant code"));
        var slot = SpareSlot.Create();
        try
        {
            slot.Fill("test-tenant", folder.Directory, folder.Directory);
            var copy = Path.Combine(slot.Tenants, "test-tenant", "server", "script", "connector.csx");

            ReadsAs(WorkerUser.Nobody, copy).Should().BeTrue("the workers' user reads the copy");
            ReadsAs(4242, copy).Should().BeFalse("another user may not pass the slot's folder");
            ReadsAs(4242, script).Should().BeTrue("control: the tenant's own file is world-readable");
        }
        finally
        {
            slot.Delete();
        }
    }

    // Whether uid (with the same gid and no other group) can read the file: cat as that user through setpriv.
    private static bool ReadsAs(int uid, string path)
    {
        var id = uid.ToString(CultureInfo.InvariantCulture);
        var start = new System.Diagnostics.ProcessStartInfo("/usr/bin/setpriv") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in (string[])[$"--reuid={id}", $"--regid={id}", "--clear-groups", "--", "/bin/cat", path])
        {
            start.ArgumentList.Add(argument);
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0;
    }

    private static int RealUid(int processId) => int.Parse(
        File.ReadLines($"/proc/{processId}/status").Single(line => line.StartsWith("Uid:", StringComparison.Ordinal))
            .Split('\t', StringSplitOptions.RemoveEmptyEntries)[1],
        CultureInfo.InvariantCulture);

    private static void CopyFolder(string source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (var file in Directory.EnumerateFiles(source))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        }

        foreach (var folder in Directory.EnumerateDirectories(source))
        {
            CopyFolder(folder, Path.Combine(target, Path.GetFileName(folder)));
        }
    }
}
