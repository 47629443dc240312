using System.Collections.Concurrent;
using System.Text;

namespace WalletCrew.Plugins.Engine.Compilation;

/// <summary>Compiles scripts through the disk cache when there is one; <paramref name="compile"/> only runs on a miss.</summary>
/// <remarks>A compile stopped by a bound is remembered in memory only, so saving a compile bomb again (or a reload check of an
/// unchanged folder) does not run the compiler to its limit again; a restart, or a changed text, tries afresh.</remarks>
internal sealed class CachedScriptCompiler(Func<ScriptSource, CompiledScript> compile, CompileCache? cache, bool compileOnMiss = true)
{

    private readonly ConcurrentDictionary<string, CompiledScript> _stopped = new(StringComparer.Ordinal);
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
                [new ConnectorDiagnostic(source.DisplayPath, 0, 0, ConnectorDiagnosticSeverity.Error, LoadCodes.NotCompiled, "This version of the script has not been compiled by the host yet; it goes live once it has.")]);
        }

        var key = StoppedKey(source);
        if (_stopped.TryGetValue(key, out var stopped))
        {
            return new CompiledScript(source, stopped.Map, null, stopped.Diagnostics) { Cacheable = false };
        }

        var compiled = compile(source);
        Interlocked.Increment(ref _compiled);
        if (compiled.Cacheable)
        {
            cache?.Store(source, compiled);
        }
        else
        {
            _stopped[key] = compiled;
        }

        return compiled;
    }

    private static string StoppedKey(ScriptSource source) =>
        ContentDigest.Of($"{source.TenantId}\n{source.DisplayPath}\n{source.Text}");
}
