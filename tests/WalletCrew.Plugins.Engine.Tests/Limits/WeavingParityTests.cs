using System.Reflection;
using System.Runtime.Loader;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Emit;
using Microsoft.CodeAnalysis.Text;
using WalletCrew.Plugins.Engine.Compilation;
using WalletCrew.Plugins.Engine.Invocation;
using WalletCrew.Plugins.Engine.Limits;
using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Engine.Tests.Limits;

/// <summary>
/// Scripts and plugins are woven by the one <see cref="CheckpointWeaver"/>: the same runaway code, compiled as a script and as a
/// plugin, is stopped by the same checkpoint, with the same message, at the same line of a file of the same name.
/// </summary>
public sealed class WeavingParityTests
{
    // Line 1 differs (a script's top-level code; a plugin has none), so every later line is the same in both.
    private const string Body = """
        public static class Runaway
        {
            public static long Count;

            public static void Loop()
            {
                while (true)
                {
                    Count++;
                }
            }

            public static void Recurse() => Recurse(0);

            private static int Recurse(int n) => Recurse(n + 1) + 1;
        }
        """;

    [Theory]
    [InlineData("Loop", 10)]
    [InlineData("Recurse", 16)]
    public void TheSameRunawayFailsTheSameWayAsAScriptAndAsAPlugin(string method, int line)
    {
        var script = new ScriptCompiler().Compile(new ScriptSource("acme", "server/script/connector.csx", "Runaway.Count = 0;\n" + Body));
        script.Diagnostics.Should().BeEmpty();
        var plugin = WovenPlugin("// a plugin has no top-level code\n" + Body);

        var asScript = RunUnderBudget(script.Image!, method);
        var asPlugin = RunUnderBudget(plugin, method);

        Normalized(ExceptionDescriber.Describe(asPlugin)).Should().Be(Normalized(ExceptionDescriber.Describe(asScript)));
        var (scriptFile, scriptLine, _) = ExceptionDescriber.Location(asScript)!.Value;
        var (pluginFile, pluginLine, _) = ExceptionDescriber.Location(asPlugin)!.Value;
        (scriptFile, scriptLine).Should().Be(("server/script/connector.csx", line));
        (pluginFile, pluginLine).Should().Be(("connector.csx", line), "a plugin's PDB names its build path, of which the file name is kept");
        asScript.Message.Should().Contain("a checkpoint stopped it");
    }

    // The plugin is built as an author would (a class library with an embedded PDB) and woven from its file, as plugin folders are.
    private static byte[] WovenPlugin(string source)
    {
        var tree = CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest), "/build/Runaway/connector.csx", System.Text.Encoding.UTF8);
        var compilation = CSharpCompilation.Create("Runaway", [tree], PluginCompiler.HostAbstractions.Concat(Framework()),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, optimizationLevel: OptimizationLevel.Release));
        using var image = new MemoryStream();
        var result = compilation.Emit(image, options: new EmitOptions(debugInformationFormat: DebugInformationFormat.Embedded),
            embeddedTexts: [EmbeddedText.FromSource(tree.FilePath, SourceText.From(source, System.Text.Encoding.UTF8))]);
        result.Success.Should().BeTrue(string.Join("; ", result.Diagnostics));

        var folder = Directory.CreateTempSubdirectory("wcp-parity-");
        try
        {
            var original = Path.Combine(folder.FullName, "Runaway.dll");
            var woven = Path.Combine(folder.FullName, "woven.dll");
            File.WriteAllBytes(original, image.ToArray());
            CheckpointWeaver.TryWeave(original, woven).Should().BeTrue();
            return File.ReadAllBytes(woven);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static IEnumerable<MetadataReference> Framework()
    {
        var runtime = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        return ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(path => Path.GetDirectoryName(path) == runtime)
            .Select(path => MetadataReference.CreateFromFile(path));
    }

    // On a thread of its own (a fresh async flow and stack), as the invoker runs a hook: the budget is the invocation's.
    private static Exception RunUnderBudget(byte[] image, string method)
    {
        var context = new AssemblyLoadContext("parity", isCollectible: true);
        try
        {
            var entry = context.LoadFromStream(new MemoryStream(image)).GetType("Runaway")!.GetMethod(method, BindingFlags.Public | BindingFlags.Static)!;
            Exception? caught = null;
            var thread = new Thread(() =>
            {
                ConnectorCheckpoint.Budget = new ExecutionBudget(TimeSpan.FromMilliseconds(200));
                try
                {
                    entry.Invoke(null, null);
                }
                catch (Exception exception)
                {
                    caught = ExceptionDescriber.Unwrap(exception);
                }
            }, maxStackSize: 1024 * 1024);
            thread.Start();
            thread.Join(TimeSpan.FromSeconds(10)).Should().BeTrue("a checkpoint ends the runaway");
            return caught.Should().BeOfType<ExecutionLimitExceededException>().Subject;
        }
        finally
        {
            context.Unload();
        }
    }

    // The time and depth the checkpoint measured differ from run to run; a script's path is tenant-relative, a plugin's rooted.
    private static string Normalized(string description) =>
        Regex.Replace(Regex.Replace(description, @"[0-9][0-9,.]*", "N"), @"\(at .*?([^/]+):line", "(at $1:line");
}
