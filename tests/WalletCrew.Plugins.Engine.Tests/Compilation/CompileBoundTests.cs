using System.Globalization;
using System.Text;
using WalletCrew.Plugins.Engine.Compilation;
using WalletCrew.Plugins.Engine.Sandbox;
using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Engine.Tests.Compilation;

/// <summary>
/// Compile bombs: short scripts that make the compiler run for minutes or allocate gigabytes. Roslyn has no bound of its
/// own (lambda binding ignores the cancellation token; constant folding materialises its strings), so scripts compile in
/// a compiler process the engine kills at <see cref="ConnectorEngineOptions.CompileTimeout"/>, with its GC heap capped at
/// <see cref="ConnectorEngineOptions.CompileMemoryLimitBytes"/>. In this process the memory bomb below ended `wcp check`
/// with an unhandled OutOfMemoryException, and the lambda bomb held a core for more than ten minutes.
/// </summary>
/// <remarks>Each test uses its own memory limit: the compiler processes it started carry it in their environment, which
/// is how the test finds them among the other tests' processes. A compiler process warms up before it takes a script,
/// and the bound starts after that, so a busy machine's slow start is not taken for a bomb.</remarks>
public sealed class CompileBoundTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task ACompileBombIsStoppedAtItsTimeBoundWhileAnotherTenantsSaveGoesLive()
    {
        const long memory = 901L * 1024 * 1024;
        using var bomb = new TenantFolder("bomb-tenant");
        using var victim = new TenantFolder("victim-tenant");
        using var engine = new ConnectorEngine(new ConnectorEngineOptions
        {
            HotReload = true,
            ReloadDebounce = TimeSpan.FromMilliseconds(50),

            // Long enough for the victim's first compile in a cold compiler process on a busy machine, so that the
            // save below goes live while the bomb still compiles.
            CompileTimeout = TimeSpan.FromSeconds(25),
            CompileMemoryLimitBytes = memory,
        });

        // Depth 24: about 2^24 lambda bindings, many minutes of compiling without a bound.
        bomb.WriteScript("bomb.csx", NestedLambdas(24));
        var loading = Task.Run(() => engine.LoadTenant(bomb.Directory));
        var bombCompiler = await WaitForCompilerAsync(memory);

        // The victim loads and reloads meanwhile, each compile in a compiler process of its own.
        victim.WriteScript("crm.csx", Logging("v1"));
        using var victimTenant = engine.LoadTenant(victim.Directory);
        var reloaded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        victimTenant.Reloaded += (_, _) => reloaded.TrySetResult();
        victim.WriteScript("crm.csx", Logging("v2"));
        await reloaded.Task.WaitAsync(Patience);
        var during = await victimTenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);
        loading.IsCompleted.Should().BeFalse("the victim's save went live while the bomb was still compiling");

        // The bound is the bomb's processor time: on a loaded machine it gets less than a core, and its wall time reaches up to
        // the backstop.
        using var bombTenant = await loading.WaitAsync(TimeSpan.FromSeconds(25) * EngineDefaults.CompileWallTimeFactor + Patience);

        during.Log.Select(l => l.Message).Should().Equal("v2");
        var stopped = bombTenant.Diagnostics.Should().ContainSingle().Subject;
        stopped.ToString().Should().StartWith("server/script/bomb.csx: error WCP0504: Compiling this script took longer than 25 s of processor time, or 100 s in all (limit: CompileTimeout)")
            .And.Contain("WalletCrew:Engine:CompileTimeout");
        var running = bombCompiler.Where(pid => Directory.Exists($"/proc/{pid}") && !IsZombie(pid)).ToList();
        running.Should().BeEmpty("the bomb's compiler process was killed at the bound, and gone when the bound was reported");
    }

    [Fact]
    public void ACompileThatNeedsMoreMemoryThanItsBoundFailsNamingTheLimit()
    {
        using var harness = new BoundedEngine(TimeSpan.FromSeconds(60), 300L * 1024 * 1024);

        // 64 characters doubled 22 times: a 256 Mi-character constant the compiler materialises (512 MiB) when it emits.
        using var tenant = harness.Load(DoubledConstant(22));

        var stopped = tenant.Diagnostics.Should().ContainSingle().Subject;
        stopped.ToString().Should().StartWith("server/script/bomb.csx: error WCP0505: Compiling this script needed more than 300 MiB of memory (limit: CompileMemoryLimitMiB)")
            .And.Contain("WalletCrew:Engine:CompileMemoryLimitMiB");
    }

    [Fact]
    public void AStoppedCompileIsNotRunAgainForTheSameTextButIsForAFixedOne()
    {
        using var harness = new BoundedEngine(TimeSpan.FromSeconds(60), 300L * 1024 * 1024);
        using var tenant = harness.Load(DoubledConstant(22));
        var compiled = harness.Engine.CompileStatistics.Compiled;

        using var again = harness.Engine.LoadTenant(harness.Folder.Directory);
        harness.Folder.WriteScript("bomb.csx", DoubledConstant(4));
        using var fixedTenant = harness.Engine.LoadTenant(harness.Folder.Directory);

        again.Diagnostics.Select(d => d.Code).Should().Equal("WCP0505");
        harness.Engine.CompileStatistics.Compiled.Should().Be(compiled + 1, "the same text is answered from memory; the fixed one compiles");
        fixedTenant.Diagnostics.Should().BeEmpty();
        fixedTenant.PassUpdaterCount.Should().Be(1);
    }

    /// <summary>
    /// Without the warm-up compile (<c>wcp check</c> and the other one-shot commands) the bound still holds: it then starts
    /// with the compiler process, so the bomb is stopped at the same setting.
    /// </summary>
    [Fact]
    public void WithoutTheWarmUpACompileBombIsStillStoppedAtItsTimeBound()
    {
        using var folder = new TenantFolder();
        using var engine = new ConnectorEngine(new ConnectorEngineOptions
        {
            CompileTimeout = TimeSpan.FromSeconds(8),
            CompileMemoryLimitBytes = 302L * 1024 * 1024,
            CompilerWarmUp = false,
        });
        folder.WriteScript("bomb.csx", NestedLambdas(24));

        using var tenant = engine.LoadTenant(folder.Directory);

        tenant.Diagnostics.Select(d => d.Code).Should().Equal("WCP0504");
    }

    /// <summary>
    /// Skipping the warm-up changes when the compiler gets ready, never what it produces: the same script compiles to the
    /// same image, byte for byte, with the same diagnostics, in a process that warmed up and in one that did not.
    /// </summary>
    [Fact]
    public void WithAndWithoutTheWarmUpAScriptCompilesToTheSameImage()
    {
        var program = WorkerLauncher.ProgramPath(new SandboxOptions());
        var source = new ScriptSource("same-tenant", "server/script/crm.csx", Logging("same") + "\nvar unused = 1;\n");
        CompiledScript Compile(bool warmUp, long memory) =>
            new BoundedCompiler(program, TimeSpan.FromSeconds(60), memory, [], checkpoints: true, warmUp).Compile(source);

        var warmed = Compile(warmUp: true, 303L * 1024 * 1024);
        var cold = Compile(warmUp: false, 304L * 1024 * 1024);
        var other = new BoundedCompiler(program, TimeSpan.FromSeconds(60), 304L * 1024 * 1024, [], checkpoints: true, warmUp: false)
            .Compile(source with { Text = Logging("other") });

        warmed.Image.Should().NotBeNull();
        cold.Image.Should().Equal(warmed.Image);
        cold.Diagnostics.Select(d => d.ToString()).Should().Equal(warmed.Diagnostics.Select(d => d.ToString()))
            .And.ContainSingle(d => d.Contains("CS0219", StringComparison.Ordinal), "the comparison covers a warning too");

        // The negative control: a different text gives a different image, so the equality above is not vacuous.
        other.Image.Should().NotEqual(warmed.Image);
    }

    /// <summary>
    /// The bound is the compiler's processor time: a compile the host gives no processor time to (here its compiler process
    /// stopped, as on a machine too busy to run it) is not taken for a bomb, and compiles once it runs; one that never runs
    /// still ends, at the wall-time backstop (<see cref="EngineDefaults.CompileWallTimeFactor"/> times the bound: the control).
    /// </summary>
    [Theory]
    [InlineData(5, true)]
    [InlineData(10, false)]
    public async Task ACompileThatGetsNoProcessorTimeEndsOnlyAtTheWallTimeBackstop(int stoppedSeconds, bool compiles)
    {
        var memory = (910L + stoppedSeconds) * 1024 * 1024;
        using var harness = new BoundedEngine(TimeSpan.FromSeconds(2), memory);
        using var first = harness.Load(Logging("v1"));
        first.Diagnostics.Should().BeEmpty();
        var compilers = Compilers(memory);
        compilers.Should().NotBeEmpty("the first compile left its compiler process waiting for the next");

        Signal("STOP", compilers);
        harness.Folder.WriteScript("bomb.csx", Logging("v2"));
        var loading = Task.Run(() => harness.Engine.LoadTenant(harness.Folder.Directory));
        await Task.Delay(TimeSpan.FromSeconds(stoppedSeconds));
        Signal("CONT", compilers);
        using var second = await loading.WaitAsync(Patience);

        second.Diagnostics.Select(d => d.Code).Should().Equal(compiles ? [] : ["WCP0504"]);
        if (!compiles)
        {
            second.Diagnostics.Single().Message.Should().Contain("2 s of processor time, or 8 s in all");
        }
    }

    /// <summary>The negative controls: the same shapes, shallow, compile and load under the same bounds, so the diagnostics above come from the bombs' size.</summary>
    [Theory]
    [InlineData("lambdas")]
    [InlineData("constant")]
    public void TheSameShapesAtAnOrdinarySizeCompileUnderTheSameBounds(string shape)
    {
        using var harness = new BoundedEngine(TimeSpan.FromSeconds(8), 300L * 1024 * 1024);

        using var tenant = harness.Load(shape == "lambdas" ? NestedLambdas(6) : DoubledConstant(4));

        tenant.Diagnostics.Where(d => d.Code.StartsWith("WCP050", StringComparison.Ordinal)).Should().BeEmpty();
        if (shape == "constant")
        {
            tenant.Diagnostics.Should().BeEmpty();
            tenant.PassUpdaterCount.Should().Be(1);
        }
        else
        {
            // The bomb's shape binds against a type that does not exist: an ordinary compile error, found quickly.
            tenant.Diagnostics.Select(d => d.Code).Should().Equal("CS0246");
        }
    }

    /// <summary>Nested lambdas passed to a method whose parameter type does not resolve: the compiler binds each lambda
    /// once per enclosing candidate, 2^depth times in all (dotnet/roslyn#48578).</summary>
    private static string NestedLambdas(int depth)
    {
        var call = new StringBuilder($"C.M(c{depth} => {{ }})");
        for (var level = depth - 1; level >= 1; level--)
        {
            call.Insert(0, $"C.M(c{level} => ").Append(')');
        }

        return $$"""
            {{call}};
            static class C
            {
                public static void M(Unknown action) { }
            }
            """;
    }

    /// <summary>A constant string doubled <paramref name="times"/> times: 64 × 2^times characters, folded at compile time.</summary>
    private static string DoubledConstant(int times)
    {
        var source = new StringBuilder($"const string s0 = \"{new string('a', 64)}\";\n");
        for (var i = 1; i <= times; i++)
        {
            source.Append(CultureInfo.InvariantCulture, $"const string s{i} = s{i - 1} + s{i - 1};\n");
        }

        return source.Append(CultureInfo.InvariantCulture, $$"""
            Task onPassInstalled(string passId)
            {
                Log.LogInformation("{Length}", s{{times}}.Length + s{{times - 1}}.Length);
                return Task.CompletedTask;
            }

            context.register("runtime.wallet.passUpdater", new { OnPassInstalled = onPassInstalled });
            """).ToString();
    }

    private static string Logging(string version) => $$"""
        Task onPassInstalled(string passId)
        {
            Log.LogInformation("{{version}}");
            return Task.CompletedTask;
        }

        context.register("runtime.wallet.passUpdater", new { OnPassInstalled = onPassInstalled });
        """;

    /// <summary>Waits until a compiler process with this memory limit is busy (the bomb's: the only one then) and returns it.</summary>
    private static async Task<List<int>> WaitForCompilerAsync(long memory)
    {
        using var timeout = new CancellationTokenSource(Patience);
        var busy = BusyCompilers(memory);
        while (busy.Count == 0)
        {
            await Task.Delay(50, timeout.Token);
            busy = BusyCompilers(memory);
        }

        return busy;
    }

    /// <summary>Returns the compiler processes started with <paramref name="memory"/> as their heap limit.</summary>
    private static List<int> Compilers(long memory)
    {
        var marker = $"DOTNET_GCHeapHardLimit={memory:X}";
        return [.. Directory.EnumerateDirectories("/proc")
            .Select(directory => int.TryParse(Path.GetFileName(directory), out var pid) ? pid : 0)
            .Where(pid => pid > 0 && Read(() => File.ReadAllText($"/proc/{pid}/environ").Split('\0').Contains(marker)))];
    }

    private static void Signal(string signal, IEnumerable<int> processes)
    {
        foreach (var pid in processes)
        {
            using var kill = System.Diagnostics.Process.Start("kill", ["-" + signal, pid.ToString(CultureInfo.InvariantCulture)]);
            kill.WaitForExit();
        }
    }

    private static bool IsZombie(int pid) => Read(() => File.ReadAllText($"/proc/{pid}/stat").Split(')')[1].TrimStart().StartsWith('Z'));

    /// <summary>Returns the compiler processes started with <paramref name="memory"/> as their heap limit that use the CPU now.</summary>
    private static List<int> BusyCompilers(long memory)
    {
        var marker = $"DOTNET_GCHeapHardLimit={memory:X}";
        var before = new Dictionary<int, long>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), out var pid) && Read(() => File.ReadAllText(Path.Combine(directory, "environ")).Split('\0').Contains(marker)))
            {
                before[pid] = Read(() => CpuTicks(pid));
            }
        }

        Thread.Sleep(300);
        return [.. before.Where(process => Read(() => CpuTicks(process.Key)) > process.Value).Select(process => process.Key)];
    }

    private static long CpuTicks(int pid)
    {
        var fields = File.ReadAllText($"/proc/{pid}/stat").Split(')')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
    }

    /// <summary>Reads from /proc; a process that ended meanwhile reads as nothing.</summary>
    private static T Read<T>(Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return default!;
        }
    }

    private sealed class BoundedEngine : IDisposable
    {
        public BoundedEngine(TimeSpan timeout, long memory)
        {
            Folder = new TenantFolder();
            Engine = new ConnectorEngine(new ConnectorEngineOptions { CompileTimeout = timeout, CompileMemoryLimitBytes = memory });
        }

        public TenantFolder Folder { get; }

        public ConnectorEngine Engine { get; }

        public TenantConnectors Load(string source)
        {
            Folder.WriteScript("bomb.csx", source);
            return Engine.LoadTenant(Folder.Directory);
        }

        public void Dispose()
        {
            Engine.Dispose();
            Folder.Dispose();
        }
    }
}
