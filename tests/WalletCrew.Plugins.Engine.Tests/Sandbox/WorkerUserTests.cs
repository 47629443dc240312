using System.Globalization;
using WalletCrew.Plugins.Engine.Sandbox;
using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Engine.Tests.Sandbox;

/// <summary>
/// A root host (as CI runs) starts its workers as <c>nobody</c> outside their namespaces, not as root: every process of a
/// worker belongs to uid 65534, and a file the sandbox shows that only root may read stays unread, whether the worker was
/// a spare or started for its tenant. Control: with the switch off (<c>WorkerUid</c> null) the same workers are root and
/// read it. Where others cannot reach what a worker binds, the host copes and says so.
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
        ((SandboxedTenant)tenant.Runtime).WorkerWasSpare.Should().Be(spares > 0);

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
    /// once where they may, and the workers still run as nobody.</summary>
    [Fact]
    public async Task AWorkerProgramOthersCannotReachIsCopiedWhereTheyCan()
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

    /// <summary>A tenant's folder below one others may not pass: bubblewrap as nobody could not bind it, so that worker runs
    /// as root, serves, and the layers name the folder to open.</summary>
    [Fact]
    public async Task ATenantFolderOthersCannotReachLeavesItsWorkerRootAndSaysWhy()
    {
        using var harness = new EngineHarness(isolation: IsolationMode.Sandbox, widenPolicy: HostileConnectors.PolicyOff, sandbox: new SandboxOptions { SpareWorkers = 0 });
        var parent = Path.GetDirectoryName(harness.Folder.Directory)!;
        File.SetUnixFileMode(parent, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        harness.Engine.SandboxLayers!.Unprivileged.Should().BeTrue("nothing was started yet");

        using var tenant = harness.Load(HostileConnectors.Hook("""return "called";"""));
        (await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None)).Status.Should().Be(InvocationStatus.Succeeded);

        ProcessTree.SelfAndDescendants(((SandboxedTenant)tenant.Runtime).WorkerProcessId!.Value).Select(RealUid).Should().AllBeEquivalentTo(0);
        harness.Engine.SandboxLayers.Unprivileged.Should().BeFalse();
        harness.Engine.SandboxLayers.Warnings.Should().ContainSingle().Which.Should()
            .StartWith("Workers run as root outside their namespaces").And.Contain(harness.Folder.Directory).And.Contain("chmod o+rX");
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
