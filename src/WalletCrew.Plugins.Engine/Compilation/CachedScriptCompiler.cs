namespace WalletCrew.Plugins.Engine.Compilation;

/// <summary>Compiles scripts through the disk cache when there is one; the compiler is only created on a miss.</summary>
internal sealed class CachedScriptCompiler(Func<ScriptCompiler> createCompiler, CompileCache? cache)
{
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

        var compiled = _compiler.Value.Compile(source);
        Interlocked.Increment(ref _compiled);
        cache?.Store(source, compiled);
        return compiled;
    }
}
