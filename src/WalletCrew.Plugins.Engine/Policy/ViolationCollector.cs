using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace WalletCrew.Plugins.Engine.Policy;

/// <summary>Turns refusals into diagnostics, once per id, named thing and line, in source order.</summary>
internal sealed class ViolationCollector
{
    private const int MaxCodeLength = 60;

    private readonly CSharpCompilation _compilation;
    private readonly CancellationToken _cancellationToken;
    private readonly HashSet<(string Id, string What, int Line)> _seen = [];
    private readonly List<Diagnostic> _diagnostics = [];
    private bool? _compilationHasErrors;

    public ViolationCollector(CSharpCompilation compilation, CancellationToken cancellationToken)
    {
        _compilation = compilation;
        _cancellationToken = cancellationToken;
    }

    /// <summary>Gets the diagnostics, ordered by position.</summary>
    public IReadOnlyList<Diagnostic> Diagnostics =>
        [.. _diagnostics.OrderBy(d => d.Location.SourceSpan.Start).ThenBy(d => d.Id, StringComparer.Ordinal)];

    /// <summary>Reports a refusal from the <see cref="SymbolJudge"/> at a node of the user's tree.</summary>
    public void Add(Denial denial, SyntaxNode node) => Add(denial, node.GetLocation(), node);

    /// <summary>Reports a refusal at a location, using <paramref name="node"/>'s text when nothing was resolved.</summary>
    public void Add(Denial denial, Location location, SyntaxNode node)
    {
        switch (denial.Kind)
        {
            case DenialKind.Forbidden when denial.Symbol is { } symbol:
                Add(PolicyMessages.ForbiddenApi(symbol, location));
                break;
            case DenialKind.Unsafe when denial.Symbol is { } symbol:
                Add(PolicyMessages.UnsafeCode(SymbolNames.Display(symbol), location));
                break;
            case DenialKind.ConstructedTypeParameter when denial.Symbol is { } parameter:
                Add(PolicyMessages.ConstructedTypeParameter(parameter.Name, location));
                break;
            case DenialKind.Dynamic:
                Add(PolicyMessages.LateBound("dynamic", location));
                break;
            case DenialKind.TypeOfUnknownOrigin when denial.Symbol is { } source:
                Add(PolicyMessages.TypeOfUnknownOrigin(source is IParameterSymbol typeParameter ? $"{typeParameter.Name} (a System.Type parameter)" : SymbolNames.Display(source), location));
                break;
            default:
                if (!CompilationHasErrors())
                {
                    Add(PolicyMessages.Unresolved(Shorten(node.ToString()), location));
                }

                break;
        }
    }

    /// <summary>Reports a diagnostic unless the same id and message was already reported on the same line.</summary>
    public void Add(Diagnostic diagnostic)
    {
        var line = diagnostic.Location.GetLineSpan().StartLinePosition.Line;
        if (_seen.Add((diagnostic.Id, diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), line)))
        {
            _diagnostics.Add(diagnostic);
        }
    }

    /// <summary>Tells whether the compilation has errors of its own, so unresolved code is the compiler's to report.</summary>
    public bool CompilationHasErrors() => _compilationHasErrors ??= _compilation
        .GetDiagnostics(_cancellationToken)
        .Any(d => d.Severity == DiagnosticSeverity.Error);

    private static string Shorten(string code)
    {
        var flat = string.Join(' ', code.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return flat.Length <= MaxCodeLength ? flat : flat[..(MaxCodeLength - 1)] + "…";
    }
}
