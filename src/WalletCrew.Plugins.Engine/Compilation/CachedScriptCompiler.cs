namespace WalletCrew.Plugins.Engine.Compilation;

/// <summary>Compiles scripts through the disk cache when there is one; the compiler is only created on a miss.</summary>
internal sealed class CachedScriptCompiler(Func<ScriptCompiler> createCompiler, CompileCache? cache, bool compileOnMiss = true)
{
    private const string NotCompiled = "WCP0601";

    private readonly Lazy<ScriptCompiler> _compiler = new(createCompiler);
    private int _compiled;
    private int _fromCache;

    public CompileStatistics Statistics => new(Volatile.Read(ref _compiled), Volatile.Read(ref _fromCache));

    public CompiledScript Compile(ScriptSource source)
    {
        if (cache?.TryLoad(source) is { } cached)
        {
            Interlocked.Increment(ref _fromCache);
            return cached;
        }

        if (!compileOnMiss)
        {
            // A sandboxed worker: the host compiles and checks; a file saved after that is reloaded once the host has compiled it.
            return new CompiledScript(source, new SourceMap(source.Text, []), null,
                [new ConnectorDiagnostic(source.DisplayPath, 0, 0, ConnectorDiagnosticSeverity.Error, NotCompiled, "This version of the script has not been compiled by the host yet; it goes live once it has.")]);
        }

        var compiled = _compiler.Value.Compile(source);
        Interlocked.Increment(ref _compiled);
        cache?.Store(source, compiled);
        return compiled;
    }
}
