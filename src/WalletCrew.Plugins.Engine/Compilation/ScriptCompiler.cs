using System.Security.Cryptography;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Emit;
using Microsoft.CodeAnalysis.Text;
using WalletCrew.Plugins.Engine.Limits;
using WalletCrew.Plugins.Engine.Policy;

namespace WalletCrew.Plugins.Engine.Compilation;

/// <summary>
/// Compiles one connector script with <see cref="CSharpCompilation.Emit(Stream, Stream?, Stream?, Stream?, IEnumerable{ResourceDescription}?, EmitOptions?, IMethodSymbol?, Stream?, IEnumerable{EmbeddedText}?, Stream?, CancellationToken)"/>:
/// a Regular compilation with top-level statements (so the Refit and JSON source generators can run), C# latest, nullable,
/// optimized, with an embedded portable PDB and the source, so stack traces name <c>file.csx:line</c>.
/// </summary>
internal sealed class ScriptCompiler(IReadOnlyList<string> additionalReferences, ApiPolicy policy, bool checkpoints = true)
{
    private static readonly CSharpParseOptions ParseOptions = new(
        LanguageVersion.Latest,
        DocumentationMode.None,
        SourceCodeKind.Regular,
        ["NET", "NETCOREAPP", "NET10_0", .. Enumerable.Range(5, 6).Select(v => $"NET{v}_0_OR_GREATER")]);

    private static readonly CSharpCompilationOptions CompilationOptions = new(
        OutputKind.ConsoleApplication,
        optimizationLevel: OptimizationLevel.Release,
        nullableContextOptions: NullableContextOptions.Enable,
        allowUnsafe: false,
        deterministic: true,
        concurrentBuild: false,
        // JavaScript authors write `async` functions without `await`; that is not worth a warning here.
        specificDiagnosticOptions: [new("CS1998", ReportDiagnostic.Suppress)]);

    // A script without top-level code (empty, comments, declarations only) has no Main to build; it compiles as a library.
    private static readonly CSharpCompilationOptions LibraryOptions = CompilationOptions.WithOutputKind(OutputKind.DynamicallyLinkedLibrary);

    private readonly Lazy<SyntaxTree> _globals = new(() => ScriptGlobalsSource.Parse(ParseOptions));

    private readonly Lazy<IReadOnlyList<MetadataReference>> _references = new(() =>
        [.. ReferenceSet.References, .. additionalReferences.Select(path => MetadataReference.CreateFromFile(path))]);

    public ScriptCompiler()
        : this([], ApiPolicy.Default)
    {
    }

    public CompiledScript Compile(ScriptSource source, CancellationToken cancellationToken = default)
    {
        var originalText = SourceText.From(source.Text, Encoding.UTF8);
        var originalTree = CSharpSyntaxTree.ParseText(originalText, ParseOptions, source.DisplayPath, cancellationToken);
        var (text, map) = JsShapeRewriter.Rewrite(originalTree, originalText);
        var tree = ReferenceEquals(text, originalText) ? originalTree : originalTree.WithChangedText(text);

        var options = tree.GetCompilationUnitRoot(cancellationToken).Members.Any(m => m is Microsoft.CodeAnalysis.CSharp.Syntax.GlobalStatementSyntax)
            ? CompilationOptions
            : LibraryOptions;
        var compilation = SourceGenerators.Run(
            CSharpCompilation.Create(AssemblyName(source), [tree, _globals.Value], _references.Value, options),
            tree, ParseOptions, out var generatorDiagnostics, cancellationToken);
        var diagnostics = new DiagnosticConverter(source.DisplayPath, tree, map);

        // The policy reads the semantic model before anything is emitted, loaded or run.
        var violations = policy.Check(compilation, tree, cancellationToken);
        if (violations.Count > 0)
        {
            var compileErrors = compilation.GetDiagnostics(cancellationToken).Where(d => d.Severity == DiagnosticSeverity.Error);
            return new CompiledScript(source, map, null, diagnostics.Convert(generatorDiagnostics.Concat(compileErrors).Concat(violations)));
        }

        if (checkpoints)
        {
            return CompileWithCheckpoints(source, compilation, tree, map, diagnostics, generatorDiagnostics, cancellationToken);
        }

        var (image, result) = Emit(compilation, source.DisplayPath, text, cancellationToken);
        return new CompiledScript(source, map, image, diagnostics.Convert(generatorDiagnostics.Concat(result.Diagnostics)));
    }

    // Diagnostics come from the user's compile (their columns); the image comes from the instrumented tree (same lines).
    private static CompiledScript CompileWithCheckpoints(
        ScriptSource source,
        CSharpCompilation compilation,
        SyntaxTree tree,
        SourceMap map,
        DiagnosticConverter diagnostics,
        IEnumerable<Diagnostic> generatorDiagnostics,
        CancellationToken cancellationToken)
    {
        var userDiagnostics = diagnostics.Convert(generatorDiagnostics.Concat(compilation.GetDiagnostics(cancellationToken)));
        if (userDiagnostics.Any(d => d.IsError))
        {
            return new CompiledScript(source, map, null, userDiagnostics);
        }

        var (instrumented, runtimeMap, problem) = CheckpointInstrumenter.Instrument(compilation, tree, map, cancellationToken);
        var (image, result) = instrumented is null ? (null, null) : Emit(compilation.ReplaceSyntaxTree(tree, instrumented), source.DisplayPath, instrumented.GetText(cancellationToken), cancellationToken);
        if (image is null)
        {
            problem ??= LimitMessages.InstrumentationFailed(result!.Diagnostics.First(d => d.Severity == DiagnosticSeverity.Error).ToString());
            return new CompiledScript(source, map, null, [.. userDiagnostics, new ConnectorDiagnostic(source.DisplayPath, 0, 0, ConnectorDiagnosticSeverity.Error, LimitCodes.InstrumentationFailed, problem)]);
        }

        return new CompiledScript(source, runtimeMap!, image, userDiagnostics);
    }

    private static (byte[]? Image, EmitResult Result) Emit(CSharpCompilation compilation, string displayPath, SourceText text, CancellationToken cancellationToken)
    {
        using var image = new MemoryStream();
        var result = compilation.Emit(
            image,
            options: new EmitOptions(debugInformationFormat: DebugInformationFormat.Embedded),
            embeddedTexts: [EmbeddedText.FromSource(displayPath, text)],
            cancellationToken: cancellationToken);
        return (result.Success ? image.ToArray() : null, result);
    }

    private static string AssemblyName(ScriptSource source)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(source.Text)))[..12];
        var file = new string([.. Path.GetFileNameWithoutExtension(source.DisplayPath).Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_')]);
        return $"wcp.{source.TenantId}.{file}.{hash}";
    }
}
