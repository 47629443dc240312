using System.Diagnostics;
using System.Globalization;
using WalletCrew.Plugins.Engine.Sandbox;
using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Engine.Tests.Sandbox;

/// <summary>
/// A root host (as CI runs) starts each worker as a uid of its own outside their namespaces, group nogroup, not as root:
/// every process of a worker belongs to it, a file the sandbox shows that only root may read stays unread, whether the
/// worker was a spare or started for its tenant, and what the kernel counts per user is each worker's own. Controls: the
/// same workers left root read the file; the same workers all <c>nobody</c> share what the kernel counts per user. Where
/// others cannot reach what a worker binds, the host gives the worker copies the workers' group can read.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class WorkerUserTests
{
    private const string ReadRootOnly = """
        try { return File.ReadAllText("/tenants/test-tenant/root-only.txt"); }
        catch (Exception e) { return "BLOCKED:" + e.GetType().Name; }
        """;

    [Theory]
    [InlineData(1, "OwnEach")]
    [InlineData(0, "OwnEach")]
    [InlineData(1, "Root")] // control: root, as the host
    [InlineData(0, "Root")]
    public async Task EveryProcessOfARootHostsWorkerIsItsOwnUsers(int spares, string users)
    {
        using var harness = new EngineHarness(isolation: IsolationMode.Sandbox, widenPolicy: HostileConnectors.PolicyOff,
            sandbox: new SandboxOptions { SpareWorkers = spares, WorkerUsers = Enum.Parse<WorkerUsers>(users) });
        using var tenant = harness.Load(HostileConnectors.Hook("""return "called";"""));
        ((SandboxedTenant)tenant.Runtime).WorkerSeesCopies.Should().Be(spares > 0);

        (await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None)).Status.Should().Be(InvocationStatus.Succeeded);

        var processes = WorkerProcesses(tenant);
        processes.Should().HaveCountGreaterThanOrEqualTo(3, "bubblewrap outside, bubblewrap inside and the worker");
        var uids = processes.Select(ProcFiles.Owner).Distinct().ToList();
        uids.Should().ContainSingle();
        if (users == nameof(WorkerUsers.Root))
        {
            uids.Single().Should().Be(0);
        }
        else
        {
            uids.Single().Should().BeGreaterThanOrEqualTo(WorkerUser.FirstUid);
            processes.Select(ProcFiles.Group).Should().AllBeEquivalentTo(WorkerUser.Nobody);
        }

        harness.Engine.SandboxLayers!.Unprivileged.Should().Be(users != nameof(WorkerUsers.Root));
    }

    [Theory]
    [InlineData(1, "OwnEach", "BLOCKED:UnauthorizedAccessException")]
    [InlineData(0, "OwnEach", "BLOCKED:UnauthorizedAccessException")]
    [InlineData(1, "Root", "root's alone")] // control: the same hook in a root worker reads it
    [InlineData(0, "Root", "root's alone")]
    public async Task AFileOnlyRootMayReadStaysUnread(int spares, string users, string expected)
    {
        using var harness = new EngineHarness(isolation: IsolationMode.Sandbox, widenPolicy: HostileConnectors.PolicyOff,
            sandbox: new SandboxOptions { SpareWorkers = spares, WorkerUsers = Enum.Parse<WorkerUsers>(users) });
        var file = Path.Combine(harness.Folder.Directory, "root-only.txt");
        File.WriteAllText(file, "root's alone");
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        using var tenant = harness.Load(HostileConnectors.Hook(ReadRootOnly));
        var result = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);

        result.Status.Should().Be(InvocationStatus.Succeeded, result.Error);
        result.Log.Single().Message.Should().Be("ESCAPED:" + expected);
    }

    /// <summary>The kernel counts pipe buffers per user: past <c>fs.pipe-user-pages-soft</c> (64 MiB) an unprivileged
    /// user's new pipes get 8 KiB instead of 64. One tenant enlarging pipes until refused, then making more, takes only its
    /// own worker's share: another tenant's new pipe keeps its 64 KiB. Control: workers sharing <c>nobody</c> share the count, and the other
    /// tenant's pipe shrinks.</summary>
    [Theory]
    [InlineData("OwnEach", 65536)]
    [InlineData("Nobody", 8192)] // control: one uid for every worker
    public async Task OneTenantTakingItsUsersPipeBuffersTakesNoneOfAnothers(string users, int neighboursPipe)
    {
        const string Hog = """
            var pipe = Libc<PipeCall>("pipe");
            var fcntl = Libc<FcntlCall>("fcntl");
            var pair = new int[2];
            var grown = 0;
            while (grown < 1000 && pipe(pair) == 0 && fcntl(pair[1], 1031, 1024 * 1024) > 0) { grown++; } // F_SETPIPE_SZ; kept open
            // The kernel refuses the growth that would pass the user's share; new pipes of 8 KiB then take it past.
            var small = 0;
            while (small < 300 && pipe(pair) == 0) { small++; }
            return grown + " " + fcntl(pair[1], 1032, 0); // F_GETPIPE_SZ of the last one
            """;
        const string NewPipe = """
            var pipe = Libc<PipeCall>("pipe");
            var fcntl = Libc<FcntlCall>("fcntl");
            var pair = new int[2];
            pipe(pair);
            return fcntl(pair[1], 1032, 0).ToString(); // F_GETPIPE_SZ
            """;
        string[] calls = ["int PipeCall(int[] fds)", "int FcntlCall(int fd, int command, int argument)"];
        using var harness = new EngineHarness(isolation: IsolationMode.Sandbox, widenPolicy: HostileConnectors.PolicyOff,
            sandbox: new SandboxOptions { SpareWorkers = 0, WorkerUsers = Enum.Parse<WorkerUsers>(users) });
        using var hog = harness.Load(HostileConnectors.NativeHook(Hog, calls));
        using var neighbourFolder = new TenantFolder("neighbour");
        neighbourFolder.WriteScript("connector.csx", HostileConnectors.NativeHook(NewPipe, calls));
        using var neighbour = harness.Engine.LoadTenant(neighbourFolder.Directory);

        var hogged = await hog.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);
        var after = await neighbour.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);

        hogged.Log.Single().Message.Should().MatchRegex("^ESCAPED:[0-9]+ 8192$", "the kernel refused its growth at its user's share, and its own new pipes shrank");
        after.Log.Single().Message.Should().Be($"ESCAPED:{neighboursPipe}");
        var hogUid = WorkerProcesses(hog).Select(ProcFiles.Owner).Distinct().Single();
        var neighbourUid = WorkerProcesses(neighbour).Select(ProcFiles.Owner).Distinct().Single();
        (hogUid == neighbourUid).Should().Be(users == nameof(WorkerUsers.Nobody), "each worker has a uid of its own, unless all share nobody");
    }

    /// <summary>A host uses as many uids as it runs workers at once: an ended worker's uid is the next one taken, the lowest
    /// free first, and a uid freed twice is freed once.</summary>
    [Fact]
    public void AnEndedWorkersUidIsTheNextOneTaken()
    {
        using var locks = new TempDirectory();
        using var uids = new WorkerUids(locks.Path);
        var (first, second, third) = (uids.Rent(), uids.Rent(), uids.Rent());
        new[] { first.Uid, second.Uid, third.Uid }.Should().Equal(WorkerUser.FirstUid, WorkerUser.FirstUid + 1, WorkerUser.FirstUid + 2);

        third.Dispose();
        second.Dispose();
        second.Dispose();

        uids.Rent().Uid.Should().Be(WorkerUser.FirstUid + 1);
        uids.Rent().Uid.Should().Be(WorkerUser.FirstUid + 2);
        uids.Rent().Uid.Should().Be(WorkerUser.FirstUid + 3);
    }

    /// <summary>Two root hosts on one machine never hand out the same uid: a block another process holds (here util-linux's
    /// <c>flock</c>, as another host would) is skipped; once that process is killed, its block is the first free again.</summary>
    [Fact]
    public async Task AUidBlockAnotherProcessHoldsIsNotHandedOut()
    {
        using var locks = new TempDirectory();
        using var holder = Process.Start("/usr/bin/flock", ["--exclusive", "--close", Path.Combine(locks.Path, "wcp-worker-uids-0"), "sleep", "60"]);
        await WaitUntilLockIs(Path.Combine(locks.Path, "wcp-worker-uids-0"), held: true);

        using (var beside = new WorkerUids(locks.Path))
        {
            beside.Rent().Uid.Should().Be(WorkerUser.FirstUid + WorkerUids.BlockSize, "block 0 is the other process's");
        }

        holder.Kill(entireProcessTree: true);
        await holder.WaitForExitAsync();
        await WaitUntilLockIs(Path.Combine(locks.Path, "wcp-worker-uids-0"), held: false); // the kernel's release, seen from here
        using var after = new WorkerUids(locks.Path);
        after.Rent().Uid.Should().Be(WorkerUser.FirstUid, "control: the killed process's block is free again");
    }

    /// <summary>Two engines' pools claiming from one lock folder (as two hosts' would) take disjoint blocks; a block released
    /// is taken by the next pool.</summary>
    [Fact]
    public void TwoPoolsTakeDisjointBlocks()
    {
        using var locks = new TempDirectory();
        var first = new WorkerUids(locks.Path);
        using var second = new WorkerUids(locks.Path);

        var firsts = Enumerable.Range(0, 3).Select(_ => first.Rent().Uid).ToList();
        var seconds = Enumerable.Range(0, 3).Select(_ => second.Rent().Uid).ToList();

        firsts.Should().Equal(WorkerUser.FirstUid, WorkerUser.FirstUid + 1, WorkerUser.FirstUid + 2);
        seconds.Should().Equal(Enumerable.Range(WorkerUser.FirstUid + WorkerUids.BlockSize, 3));
        first.Dispose();
        using var third = new WorkerUids(locks.Path);
        third.Rent().Uid.Should().Be(WorkerUser.FirstUid, "the first pool's block was released");
    }

    /// <summary>A lock folder that cannot hold the locks (missing, or read-only) is named at once, not taken for 1,024 held blocks.</summary>
    [Fact]
    public void AFolderThatCannotHoldTheLocksIsNamed()
    {
        using var uids = new WorkerUids("/proc/no-such-folder");

        var rent = () => uids.Rent();

        rent.Should().Throw<InvalidOperationException>().WithMessage("The lock on this host's block of worker uids could not be taken at /proc/no-such-folder/wcp-worker-uids-0 (*");
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

            WorkerProcesses(tenant).Select(ProcFiles.Owner).Should().OnlyContain(uid => uid >= WorkerUser.FirstUid);
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
        WorkerProcesses(tenant).Select(ProcFiles.Owner).Should().OnlyContain(uid => uid >= WorkerUser.FirstUid);

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

            ReadsAs(WorkerUser.FirstUid, WorkerUser.Nobody, copy).Should().BeTrue("a worker, in the workers' group, reads the copy");
            ReadsAs(4242, 4242, copy).Should().BeFalse("another user may not pass the slot's folder");
            ReadsAs(4242, 4242, script).Should().BeTrue("control: the tenant's own file is world-readable");
        }
        finally
        {
            slot.Delete();
        }
    }

    // Whether uid and gid (no other group) can read the file: cat as that user through setpriv.
    private static bool ReadsAs(int uid, int gid, string path)
    {
        var start = new System.Diagnostics.ProcessStartInfo("/usr/bin/setpriv") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in (string[])[$"--reuid={uid}", $"--regid={gid}", "--clear-groups", "--", "/bin/cat", path])
        {
            start.ArgumentList.Add(argument);
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0;
    }

    private static List<int> WorkerProcesses(TenantConnectors tenant) =>
        [.. ProcessTree.SelfAndDescendants(((SandboxedTenant)tenant.Runtime).WorkerProcessId!.Value)];

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

    // Waits until another process holds the exclusive lock on the file (flock has opened and locked it), or until no process
    // holds it any more.
    private static async Task WaitUntilLockIs(string path, bool held)
    {
        for (var attempt = 0; attempt < 500; attempt++)
        {
            try
            {
                using (new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
                {
                }

                if (!held)
                {
                    return;
                }
            }
            catch (FileNotFoundException)
            {
            }
            catch (IOException) when (held)
            {
                return;
            }
            catch (IOException)
            {
            }

            await Task.Delay(10);
        }

        throw new TimeoutException(held ? $"{path} was not locked by the other process" : $"{path} stayed locked after the other process ended");
    }

    private sealed class TempDirectory : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("wcp-uid-locks-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
