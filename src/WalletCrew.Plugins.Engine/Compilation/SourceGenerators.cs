using System.Collections.Immutable;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace WalletCrew.Plugins.Engine.Compilation;

/// <summary>
/// Runs the source generators connector scripts may rely on, the Refit client generator and the System.Text.Json
/// <c>JsonSerializerContext</c> generator, on a script's compilation before it is emitted.
/// </summary>
/// <remarks>
/// The generator assemblies ship with the engine in <c>generators/</c> (copied at build from the Refit package and the
/// targeting pack) and are loaded once per process into the default context: they are compiler plug-ins, not connector code.
/// Their output is trusted like the engine's own generated tree: the policy checks only the user's tree.
/// </remarks>
internal static class SourceGenerators
{
    /// <summary>The folder, next to the engine, holding the generator assemblies.</summary>
    public const string FolderName = "generators";

    private static readonly Lazy<ImmutableArray<ISourceGenerator>> s_generators = new(Load);

    /// <summary>Gets the generators found next to the engine.</summary>
    public static ImmutableArray<ISourceGenerator> All => s_generators.Value;

    /// <summary>
    /// Runs the generators on <paramref name="compilation"/> when <paramref name="userTree"/> has an attribute (both
    /// generators start from one: <c>[Get]</c>, <c>[JsonSerializable]</c>), and returns the compilation with their trees.
    /// </summary>
    /// <param name="compilation">The script's compilation.</param>
    /// <param name="userTree">The author's tree.</param>
    /// <param name="parseOptions">The options the generated trees are parsed with (the script's, with its preprocessor symbols).</param>
    /// <param name="diagnostics">The generators' own diagnostics, to report like the compiler's.</param>
    /// <param name="cancellationToken">Stops the generators.</param>
    public static CSharpCompilation Run(
        CSharpCompilation compilation, SyntaxTree userTree, CSharpParseOptions parseOptions, out ImmutableArray<Diagnostic> diagnostics,
        CancellationToken cancellationToken)
    {
        diagnostics = [];
        if (!userTree.GetRoot(cancellationToken).DescendantNodes().OfType<AttributeListSyntax>().Any() || All.IsEmpty)
        {
            return compilation;
        }

        GeneratorDriver driver = CSharpGeneratorDriver.Create(All, parseOptions: parseOptions, optionsProvider: GeneratorOptions.Instance);
        driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out diagnostics, cancellationToken);
        return (CSharpCompilation)output;
    }

    private static ImmutableArray<ISourceGenerator> Load()
    {
        var folder = Path.Combine(Loading.ConnectorLibraries.EngineDirectory, FolderName);
        if (!Directory.Exists(folder))
        {
            return [];
        }

        var loader = new DefaultContextLoader();
        return
        [
            .. Directory.EnumerateFiles(folder, "*.dll")
                .Order(StringComparer.Ordinal)
                .SelectMany(path => new AnalyzerFileReference(path, loader).GetGenerators(LanguageNames.CSharp)),
        ];
    }

    /// <summary>Loads generator assemblies into the default context once; their Roslyn references resolve to the engine's.</summary>
    private sealed class DefaultContextLoader : IAnalyzerAssemblyLoader
    {
        public void AddDependencyLocation(string fullPath)
        {
        }

        public Assembly LoadFromPath(string fullPath) => AssemblyLoadContext.Default.LoadFromAssemblyPath(fullPath);
    }

    /// <summary>The MSBuild properties the generators read; Refit's defaults when a project sets nothing.</summary>
    private sealed class GeneratorOptions : AnalyzerConfigOptionsProvider
    {
        public static readonly GeneratorOptions Instance = new();

        private static readonly Options Global = new(new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["build_property.RefitInternalNamespace"] = "WalletCrew.Connector",
            ["build_property.RefitGeneratedRequestBuilding"] = "true",
        });

        private static readonly Options Empty = new(new Dictionary<string, string>(StringComparer.Ordinal));

        public override AnalyzerConfigOptions GlobalOptions => Global;

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => Empty;

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => Empty;

        private sealed class Options(Dictionary<string, string> values) : AnalyzerConfigOptions
        {
            public override bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value) =>
                values.TryGetValue(key, out value);
        }
    }
}
