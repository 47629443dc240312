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
/// a Regular compilation with top-level statements (so the Refit and JSON source generators can run; type declarations
/// written before a statement are moved after the code by <see cref="DeclarationMover"/>), C# latest, nullable,
/// optimized, with an embedded portable PDB and the source, so stack traces name <c>file.csx:line</c>; the image is then
/// woven with the execution checkpoints (<see cref="CheckpointWeaver"/>), as plugin assemblies are.
/// </summary>
internal sealed class ScriptCompiler(IReadOnlyList<string> additionalReferences, ApiPolicy policy, bool checkpoints = true)
{
    private static readonly CSharpParseOptions ParseOptions = new(
        LanguageVersion.Latest,
        DocumentationMode.None,
        SourceCodeKind.Regular,
        ["NET", "NETCOREAPP", "NET10_0", .. Enumerable.Range(5, 6).Select(v => $"NET{v}_0_OR_GREATER")]);

    /// <summary>Gets the options scripts compile with (<c>wcp edit</c> gives editors the same nullable context and suppressions).</summary>
    internal static readonly CSharpCompilationOptions CompilationOptions = new(
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
        var (shaped, map) = JsShapeRewriter.Rewrite(originalTree, originalText);
        var shapedTree = ReferenceEquals(shaped, originalText) ? originalTree : originalTree.WithChangedText(shaped);
        var (text, movedStart) = DeclarationMover.Move(shapedTree, shaped, cancellationToken);
        var tree = ReferenceEquals(text, shaped) ? shapedTree : shapedTree.WithChangedText(text);

        var options = tree.GetCompilationUnitRoot(cancellationToken).Members.Any(m => m is Microsoft.CodeAnalysis.CSharp.Syntax.GlobalStatementSyntax)
            ? CompilationOptions
            : LibraryOptions;
        var compilation = SourceGenerators.Run(
            CSharpCompilation.Create(AssemblyName(source), [tree, _globals.Value], _references.Value, options),
            tree, ParseOptions, out var generatorDiagnostics, cancellationToken);
        var diagnostics = new DiagnosticConverter(source.DisplayPath, tree, map, movedStart);

        // The policy reads the semantic model before anything is emitted, loaded or run.
        var violations = policy.Check(compilation, tree, cancellationToken);
        if (violations.Count > 0)
        {
            var compileErrors = compilation.GetDiagnostics(cancellationToken).Where(d => d.Severity == DiagnosticSeverity.Error);
            return new CompiledScript(source, map, null, diagnostics.Convert(generatorDiagnostics.Concat(compileErrors).Concat(violations)));
        }

        var (image, result) = Emit(compilation, source.DisplayPath, text, cancellationToken);
        var converted = diagnostics.Convert(generatorDiagnostics.Concat(result.Diagnostics));
        if (image is null || !checkpoints)
        {
            return new CompiledScript(source, map, image, converted);
        }

        // The same weaver as plugins: one set of checkpoints, on the IL, with the embedded PDB (and so the user's lines) kept.
        try
        {
            return new CompiledScript(source, map, CheckpointWeaver.Weave(image), converted);
        }
        catch (StackFrameTooLargeException refused)
        {
            var (line, column) = refused.Line > 0 ? map.ToOriginal(refused.Line, 1) : (0, 0);
            return new CompiledScript(source, map, null,
                [.. converted, new ConnectorDiagnostic(source.DisplayPath, line, column, ConnectorDiagnosticSeverity.Error, LimitCodes.StackFrameTooLarge, refused.Message)]);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException and not OperationCanceledException)
        {
            // An engine bug, not the user's: fail closed rather than load the script without checkpoints.
            return new CompiledScript(source, map, null,
                [.. converted, new ConnectorDiagnostic(source.DisplayPath, 0, 0, ConnectorDiagnosticSeverity.Error, LimitCodes.NotWoven, LimitMessages.NotWoven(exception))]);
        }
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
        var hash = ContentDigest.Of(source.Text)[..12];
        var file = new string([.. Path.GetFileNameWithoutExtension(source.DisplayPath).Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_')]);
        return $"wcp.{source.TenantId}.{file}.{hash}";
    }
}
