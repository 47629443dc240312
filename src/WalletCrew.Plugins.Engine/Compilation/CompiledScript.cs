namespace WalletCrew.Plugins.Engine.Compilation;

/// <summary>The result of compiling one script (or of finding it in the compile cache): the image to load, with an embedded PDB and source, or the diagnostics.</summary>
internal sealed class CompiledScript
{
    /// <remarks>No compiler type appears here: a connector loaded from the compile cache must not load Roslyn.</remarks>
    public CompiledScript(ScriptSource source, SourceMap map, byte[]? image, IReadOnlyList<ConnectorDiagnostic> diagnostics)
    {
        Source = source;
        Map = map;
        Image = image;
        Diagnostics = diagnostics;
    }

    public ScriptSource Source { get; }

    /// <summary>Gets the map from compiled positions back to the user's columns.</summary>
    public SourceMap Map { get; }

    /// <summary>Gets the assembly image, or <see langword="null"/> when compilation failed.</summary>
    public byte[]? Image { get; }

    public IReadOnlyList<ConnectorDiagnostic> Diagnostics { get; }

    public bool Succeeded => Image is not null;

    /// <summary>Gets a value indicating whether the result follows from the text alone and may be kept in the compile cache;
    /// a compile stopped by a time or memory bound is not (another machine, or a higher limit, may finish it).</summary>
    public bool Cacheable { get; init; } = true;
}
