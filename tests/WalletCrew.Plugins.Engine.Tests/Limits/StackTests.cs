using System.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Engine.Tests.Limits;

/// <summary>
/// In-process a stack overflow ends the host, so it is stopped before it happens, also where the recursion runs inside the
/// framework over data the tenant shaped: synthesized members of cyclic records (woven like any method), stacked LINQ
/// operators and deep JSON trees (guarded where the tenant calls into them), structural comparison (refused), and frames
/// too large for the checked margin (refused when woven). Each case ends as a clean, named failure; the negative control
/// runs the same code unwoven in a child process, where it overflows the stack. (A record's <c>ToString</c> is the exception:
/// the compiler's <c>PrintMembers</c> calls <c>EnsureSufficientExecutionStack</c> itself.)
/// </summary>
public sealed class StackTests
{
    private const string Types = """
        record Node { public Node? Next { get; set; } }
        record Pair { public Pair? Next { get; set; } public int Tag { get; set; } }
        """;

    /// <summary>Code that recurses inside the framework; on today's main each of these ended the test host with a stack overflow.</summary>
    public static TheoryData<string, string> FrameworkRecursions => new()
    {
        { "record ToString", "var n = new Node(); n.Next = n; Use(n.ToString());" },
        { "record GetHashCode", "var n = new Node(); n.Next = n; Use(n.GetHashCode());" },
        { "record Equals", "Pair a = new(), b = new(); a.Next = a; b.Next = b; Use(a.Equals(b));" },
        { "record in a HashSet", "var n = new Node(); n.Next = n; Use(new HashSet<Node> { n }.Count);" },
        { "LINQ Select chain", "IEnumerable<int> e = [1]; for (var i = 0; i < 1_000_000; i++) e = e.Select(x => x + 1); Use(e.Sum());" },
        { "LINQ Where/Select chain", "IEnumerable<int> e = new List<int> { 1 }; for (var i = 0; i < 1_000_000; i++) e = i % 2 == 0 ? e.Where(x => x > 0) : e.Select(x => x + 1); Use(e.Sum());" },
        { "LINQ Skip chain", "IEnumerable<int> e = new List<int> { 1 }; for (var i = 0; i < 1_000_000; i++) e = e.Where(x => x > 0).Skip(0); Use(e.Count());" },
        { "LINQ right-deep Concat", "IEnumerable<int> e = [0]; for (var i = 0; i < 1_000_000; i++) e = new[] { i }.Concat(e); Use(e.Count());" },
        { "LINQ ThenBy chain", "var o = new[] { 2, 1 }.OrderBy(x => x); for (var i = 0; i < 1_000_000; i++) o = o.ThenBy(x => x); Use(o.ToList().Count);" },
        { "IOrderedEnumerable chain", "var o = new[] { 2, 1 }.OrderBy(x => x); for (var i = 0; i < 1_000_000; i++) o = o.CreateOrderedEnumerable(x => x, null, false); Use(o.ToList().Count);" },
        { "LINQ through a delegate", "Func<IEnumerable<int>, Func<int, int>, IEnumerable<int>> select = Enumerable.Select; IEnumerable<int> e = [1]; for (var i = 0; i < 1_000_000; i++) e = select(e, x => x + 1); Use(e.Sum());" },
        { "LINQ query syntax", "IEnumerable<int> e = [1]; for (var i = 0; i < 1_000_000; i++) e = from x in e where x > 0 select x; Use(e.First());" },
        { "JsonNode.DeepEquals", "JsonNode n = 1, m = 1; for (var i = 0; i < 1_000_000; i++) { n = new JsonArray(n); m = new JsonArray(m); } Use(JsonNode.DeepEquals(n, m));" },
        { "JsonSerializer with a raised MaxDepth", "JsonNode n = 1; for (var i = 0; i < 1_000_000; i++) n = new JsonArray(n); Use(JsonSerializer.Serialize(n, new JsonSerializerOptions { MaxDepth = 2_000_000 }));" },
        { "JsonNode.DeepClone", "JsonNode n = 1; for (var i = 0; i < 1_000_000; i++) n = new JsonObject { [\"a\"] = n }; Use(n.DeepClone());" },
    };

    public static TheoryData<string, string> StructuralComparisons => new()
    {
        { "object[] a = new object[1]; a[0] = a; Use(System.Collections.StructuralComparisons.StructuralEqualityComparer.GetHashCode(a));", "StructuralComparisons" },
        { "object[] a = new object[1]; a[0] = a; Use(((System.Collections.IStructuralEquatable)a).GetHashCode(EqualityComparer<object>.Default));", "IStructuralEquatable" },
        { "object[] a = [1]; Use(((System.Collections.IStructuralComparable)a).CompareTo(a, Comparer<object>.Default));", "IStructuralComparable" },
    };

    public static TheoryData<string, string, string> LargeFrames => new()
    {
        { "a 256-element tuple", $"var t = ({string.Join(", ", Enumerable.Repeat("0L", 256))}); Use(t.Item1);", "" },
        { "a wide struct", "var w = new Wide(); Use(w.A0);", $"struct Wide {{ {string.Join(" ", Enumerable.Range(0, 100).Select(i => $"public decimal A{i} {{ get; set; }}"))} }}" },
        { "many live locals", $"{string.Join(" ", Enumerable.Range(0, 4500).Select(i => $"var d{i} = Use({i}m);"))} Use({string.Join(" + ", Enumerable.Range(0, 4500).Select(i => $"d{i}"))});", "" },
    };

    [Theory]
    [MemberData(nameof(FrameworkRecursions))]
    public async Task RecursionInsideTheFrameworkEndsWithANamedErrorAndTheProcessLives(string shape, string code)
    {
        using var harness = new EngineHarness(invocationTimeout: TimeSpan.FromSeconds(20));
        using var tenant = harness.Load(Hook(code));
        tenant.Diagnostics.Should().BeEmpty(shape);

        var result = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);

        result.Status.Should().Be(InvocationStatus.Failed, shape);
        result.Error.Should().StartWith("ExecutionLimitExceededException: The connector ").And.Contain("(limit: ExecutionStack)", shape);
        result.Log.Should().BeEmpty("the catch block's checkpoint throws again: the budget stays spent");
        (await tenant.InvokePassUpdatersAsync(TestEvents.Installation(passId: "ok"), CancellationToken.None)).Status
            .Should().Be(InvocationStatus.Succeeded, "the host and the tenant go on");
    }

    [Fact]
    public async Task OrdinaryQueriesAndJsonStillWorkWithTheGuards()
    {
        using var harness = new EngineHarness();
        using var tenant = harness.Load($$"""
            using System.Text.Json;
            using System.Text.Json.Nodes;
            async Task onPassInstalled(string passId)
            {
                await Task.Yield();
                var people = new[] { (Name: "b", Age: 3), (Name: "a", Age: 3), (Name: "c", Age: 1) };
                var ordered = string.Join(",", people.OrderBy(p => p.Age).ThenBy(p => p.Name).Select(p => p.Name));
                var grouped = string.Join(",", from p in people group p by p.Age into g orderby g.Key select $"{g.Key}:{g.Count()}");
                var joined = string.Join(",", people.Join(new[] { 1, 3 }, p => p.Age, a => a, (p, a) => p.Name).Concat(["z"]).Zip(Enumerable.Range(0, 9), (n, i) => n + i));
                IEnumerable<int> built = [1, 2, 3];
                for (var i = 0; i < 500; i++) built = Keep(built, x => x > 0);
                Func<IEnumerable<int>, Func<int, int>, IEnumerable<int>> select = Enumerable.Select;
                Func<Func<int, int>, IEnumerable<int>> bound = new[] { 7 }.Select;
                var delegates = string.Join(",", select([1, 2], x => x * 10).Concat(bound(x => x + 1)));
                var json = JsonNode.Parse("{\"a\":[1,{\"b\":2}]}")!;
                var element = JsonDocument.Parse("[1,2]").RootElement;
                console.log($"{ordered} {grouped} {joined} {delegates} {built.Sum()} {JsonNode.DeepEquals(json, json.DeepClone())} {JsonElement.DeepEquals(element, element)}");
            }
            context.register("runtime.wallet.passUpdater", new { OnPassInstalled = onPassInstalled });
            static IEnumerable<T> Keep<T>(IEnumerable<T> items, Func<T, bool> keep) => items.Where(keep);
            """);
        tenant.Diagnostics.Should().BeEmpty();

        var result = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);

        result.Status.Should().Be(InvocationStatus.Succeeded, result.Error);
        result.Log.Select(l => l.Message).Should().Equal("c,a,b 1:1,3:2 b0,a1,c2,z3 10,20,8 6 True True");
    }

    [Theory]
    [MemberData(nameof(StructuralComparisons))]
    public void StructuralComparisonIsRefusedBecauseItRecursesWithoutACheckpoint(string code, string named)
    {
        using var harness = new EngineHarness();
        using var tenant = harness.Load(Hook(code));

        tenant.Diagnostics.Should().NotBeEmpty().And.OnlyContain(d => d.Code == "WCP1001" && d.Message.Contains(named));
    }

    [Theory]
    [MemberData(nameof(LargeFrames))]
    public void AFrameTooLargeForTheCheckedMarginIsRefusedAtCompileTime(string shape, string code, string types)
    {
        using var harness = new EngineHarness();
        using var tenant = harness.Load(Hook(code, types));

        tenant.Diagnostics.Should().ContainSingle(shape).Which.ToString().Should().MatchRegex(
            @"^server/script/connector\.csx\(\d+,1\): error WCP0502: .* over the limit of [0-9,]+ bytes \(limit: ExecutionStack\); .* so the connector was not loaded\. ");
    }

    [Fact]
    public async Task APluginsCyclicRecordAndStackedQueryEndCleanlyAndItsHugeStructIsRefused()
    {
        using var harness = new EngineHarness("acme", invocationTimeout: TimeSpan.FromSeconds(20));
        PluginCompiler.CompileInto(harness.Folder, "Cyclic", """
            using WalletCrew.Plugins;

            namespace Cyclic;

            public sealed class Updater : IPassUpdater
            {
                public async Task OnPassInstalledAsync(PassInstallationEvent e, CancellationToken cancellationToken)
                {
                    await Task.Yield();
                    if (e.PassId == "record") { var n = new Node(); n.Next = n; _ = n.ToString(); }
                    IEnumerable<int> q = [1];
                    for (var i = 0; i < 1_000_000; i++) q = q.Select(x => x + 1);
                    _ = q.Sum();
                }

                public Task OnPassUninstalledAsync(PassInstallationEvent e, CancellationToken cancellationToken) => Task.CompletedTask;
            }

            public record Node { public Node? Next { get; set; } }
            """);
        PluginCompiler.CompileInto(harness.Folder, "Huge", """
            using System.Runtime.CompilerServices;
            using WalletCrew.Plugins;

            namespace Huge;

            public sealed class Updater : IPassUpdater
            {
                public Task OnPassInstalledAsync(PassInstallationEvent e, CancellationToken cancellationToken) { var big = new Big(); big[0] = 1; return Task.FromResult(big[0]); }

                public Task OnPassUninstalledAsync(PassInstallationEvent e, CancellationToken cancellationToken) => Task.CompletedTask;
            }

            [InlineArray(4 * 1024 * 1024)]
            public struct Big { private byte _first; }
            """);
        using var tenant = harness.Load();
        tenant.Diagnostics.Should().ContainSingle().Which.ToString().Should().Contain("WCP0311").And.Contain("`Huge.Big` is about 4,194,304 bytes");

        foreach (var passId in new[] { "record", "query" })
        {
            var result = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(tenantId: "acme", passId: passId), CancellationToken.None);
            result.Status.Should().Be(InvocationStatus.Failed, passId);
            result.Error.Should().StartWith("ExecutionLimitExceededException: The connector ").And.Contain("(limit: ExecutionStack)");
        }
    }

    /// <summary>Negative control: the same code, not woven, in a child process (in this one it would end the test run).</summary>
    [Theory]
    [InlineData("record GetHashCode")]
    [InlineData("record Equals")]
    [InlineData("LINQ Where/Select chain")]
    [InlineData("LINQ right-deep Concat")]
    [InlineData("IOrderedEnumerable chain")]
    [InlineData("LINQ through a delegate")]
    [InlineData("JsonNode.DeepEquals")]
    [InlineData("JsonSerializer with a raised MaxDepth")]
    [InlineData("a huge struct local")]
    public async Task NegativeControl_UnwovenTheSameCodeOverflowsTheStackOfItsProcess(string shape)
    {
        var code = shape == "a huge struct local"
            ? "var big = new Big(); big[0] = 1; Use(big[0]);"
            : (string)FrameworkRecursions.Single(row => (string)row[0] == shape)[1];
        var program = $$"""
            using System.Text.Json;
            using System.Text.Json.Nodes;
            var thread = new Thread(() => { {{code}} }, 1536 * 1024);
            thread.Start();
            thread.Join();
            Console.WriteLine("survived");
            static T Use<T>(T value) => value;
            {{Types}}
            [System.Runtime.CompilerServices.InlineArray(4 * 1024 * 1024)] struct Big { private byte _first; }
            """;

        var (exitCode, output) = await RunChildAsync(program);

        exitCode.Should().NotBe(0, shape);
        output.Should().Contain("Stack overflow").And.NotContain("survived");
    }

    private static string Hook(string code, string types = "") => $$"""
        using System.Text.Json;
        using System.Text.Json.Nodes;
        async Task onPassInstalled(string passId)
        {
            await Task.Yield();
            if (passId == "ok") { console.log("ok"); return; }
            try { {{code}} } catch (Exception) { console.log("caught"); }
        }
        context.register("runtime.wallet.passUpdater", new { OnPassInstalled = onPassInstalled });
        static T Use<T>(T value) => value;
        {{Types}}
        {{types}}
        """;

    private static async Task<(int ExitCode, string Output)> RunChildAsync(string program)
    {
        var folder = Directory.CreateTempSubdirectory("wcp-stack-control-");
        try
        {
            var runtime = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
            var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
                .Where(path => Path.GetDirectoryName(path) == runtime)
                .Select(path => MetadataReference.CreateFromFile(path));
            var implicitUsings = CSharpSyntaxTree.ParseText("global using System; global using System.Collections.Generic; global using System.Linq; global using System.Threading;");
            var compilation = CSharpCompilation.Create("control", [implicitUsings, CSharpSyntaxTree.ParseText(program)], references,
                new CSharpCompilationOptions(OutputKind.ConsoleApplication, optimizationLevel: OptimizationLevel.Release));
            var dll = Path.Combine(folder.FullName, "control.dll");
            var emitted = compilation.Emit(dll);
            emitted.Success.Should().BeTrue(string.Join("; ", emitted.Diagnostics));
            var version = Environment.Version;
            File.WriteAllText(Path.Combine(folder.FullName, "control.runtimeconfig.json"),
                "{\"runtimeOptions\":{\"tfm\":\"net" + version.ToString(2) + "\",\"framework\":{\"name\":\"Microsoft.NETCore.App\",\"version\":\"" + version + "\"}}}");

            // The test host runs under the dotnet host; the child uses the same one, and so the same runtime.
            var host = Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath! : "dotnet";
            var start = new ProcessStartInfo(host, dll)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            start.Environment["DOTNET_DbgEnableMiniDump"] = "0";
            using var child = Process.Start(start)!;
            var output = child.StandardOutput.ReadToEndAsync();
            var error = child.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await child.WaitForExitAsync(timeout.Token);
            return (child.ExitCode, await output + await error);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
