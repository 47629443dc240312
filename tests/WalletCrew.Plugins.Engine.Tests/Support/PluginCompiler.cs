using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.Extensions.Logging;

namespace WalletCrew.Plugins.Engine.Tests.Support;

/// <summary>Compiles throwaway plugin assemblies with Roslyn, for the cases no sample should ship (leaks, throws, wrong versions).</summary>
internal static class PluginCompiler
{
    private static readonly MetadataReference[] s_framework = FrameworkReferences();

    // What a net10.0 project's implicit usings give an author.
    private static readonly SyntaxTree s_implicitUsings = CSharpSyntaxTree.ParseText(
        "global using System; global using System.Collections.Generic; global using System.Linq; global using System.Threading; global using System.Threading.Tasks;");

    /// <summary>Gets the references a plugin author compiles against: the host's abstractions and the logging abstractions.</summary>
    public static MetadataReference[] HostAbstractions { get; } =
    [
        MetadataReference.CreateFromFile(typeof(IPassUpdater).Assembly.Location),
        MetadataReference.CreateFromFile(typeof(ILogger).Assembly.Location),
    ];

    /// <summary>Compiles a class library and returns its image; fails the test with the compiler's errors.</summary>
    public static byte[] Compile(string assemblyName, string source, IEnumerable<MetadataReference> references, bool allowUnsafe = false)
    {
        var compilation = CSharpCompilation.Create(
            assemblyName,
            [s_implicitUsings, CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest))],
            [.. s_framework, .. references],
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, optimizationLevel: OptimizationLevel.Release, nullableContextOptions: NullableContextOptions.Enable, allowUnsafe: allowUnsafe));
        using var image = new MemoryStream();
        var result = compilation.Emit(image);
        if (!result.Success)
        {
            throw new InvalidOperationException("Test plugin does not compile:" + Environment.NewLine + string.Join(Environment.NewLine, result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
        }

        return image.ToArray();
    }

    /// <summary>Compiles a plugin against the host's abstractions (unless told otherwise) into <c>server/plugins/&lt;name&gt;/&lt;name&gt;.dll</c>.</summary>
    public static string CompileInto(TenantFolder tenant, string name, string source, IEnumerable<MetadataReference>? references = null)
    {
        var folder = SamplePlugins.PluginFolder(tenant, name);
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, name + ".dll");
        File.WriteAllBytes(path, Compile(name, source, references ?? HostAbstractions));
        return path;
    }

    // The shared framework only (not the test's own dependencies), as a plugin project targeting net10.0 sees it.
    private static MetadataReference[] FrameworkReferences()
    {
        var runtime = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        return ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator)
            .Where(path => string.Equals(Path.GetDirectoryName(path), runtime, StringComparison.Ordinal))
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToArray();
    }
}
