using Microsoft.CodeAnalysis;

namespace WalletCrew.Plugins.Engine.Compilation;

/// <summary>The result of compiling one script: the image to load (with an embedded PDB and source) or the diagnostics.</summary>
internal sealed class CompiledScript
{
    public CompiledScript(ScriptSource source, SyntaxTree originalTree, SourceMap map, byte[]? image, IReadOnlyList<ConnectorDiagnostic> diagnostics)
    {
        Source = source;
        OriginalTree = originalTree;
        Map = map;
        Image = image;
        Diagnostics = diagnostics;
    }

    public ScriptSource Source { get; }

    /// <summary>Gets the tree of the user's text as written, for locating binding problems.</summary>
    public SyntaxTree OriginalTree { get; }

    /// <summary>Gets the map from compiled positions back to the user's columns.</summary>
    public SourceMap Map { get; }

    /// <summary>Gets the assembly image, or <see langword="null"/> when compilation failed.</summary>
    public byte[]? Image { get; }

    public IReadOnlyList<ConnectorDiagnostic> Diagnostics { get; }

    public bool Succeeded => Image is not null;
}
