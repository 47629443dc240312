using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace WalletCrew.Plugins.Engine.Compilation;

/// <summary>
/// Compiled script images on disk, keyed by a hash of the source, its tenant and path, the engine and abstractions
/// builds (which carry the policy, the rewriter and the weaver), the shipped Refit and source generators, and the runtime. A hit is loaded without the compiler.
/// </summary>
/// <remarks>Entries live in one folder per tenant (<c>&lt;cache&gt;/&lt;tenantId&gt;/</c>), scripts that failed to compile included (their errors, no image).
/// Entries are written to a temporary file and renamed, so a crash never leaves a torn entry; an unreadable entry is a miss.</remarks>
internal sealed class CompileCache
{
    private readonly string _directory;
    private readonly string _buildKey;

    public CompileCache(string directory, IReadOnlyList<string> additionalReferences, bool checkpoints, string? buildKey = null)
    {
        _directory = directory;
        _buildKey = buildKey ?? string.Join("|",
        [
            typeof(CompileCache).Assembly.ManifestModule.ModuleVersionId.ToString(),
            typeof(IPassUpdater).Assembly.ManifestModule.ModuleVersionId.ToString(),
            RuntimeInformation.FrameworkDescription,
            checkpoints ? "checkpoints" : "no-checkpoints",
            .. additionalReferences.Select(path => $"{path}@{File.GetLastWriteTimeUtc(path).Ticks}"),
            .. Loading.ConnectorLibraries.Stamps(),
        ]);
    }

    /// <summary>Returns the cache folder a setting (<c>--cache</c>, <c>WalletCrew:Engine:CompileCacheDirectory</c>) names: null for
    /// <c>off</c> (no cache), <see cref="DefaultDirectory"/> when it is not set.</summary>
    public static string? DirectoryFor(string? setting) =>
        string.Equals(setting, "off", StringComparison.OrdinalIgnoreCase) ? null
        : string.IsNullOrWhiteSpace(setting) ? DefaultDirectory()
        : setting;

    /// <summary>Returns the cache folder where none is configured: <c>$WCP_CACHE_DIR</c>, else <c>$XDG_CACHE_HOME/wcp</c>, else
    /// <c>~/.cache/wcp</c>; the one <c>wcp check</c> fills and <c>wcp serve</c> reads.</summary>
    public static string DefaultDirectory()
    {
        if (Environment.GetEnvironmentVariable("WCP_CACHE_DIR") is { Length: > 0 } configured)
        {
            return configured;
        }

        var root = Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(root, "wcp");
    }

    /// <summary>Gets what entries are keyed by besides the source; a sandboxed worker is given its host's, so both find the same entries.</summary>
    public string BuildKey => _buildKey;

    /// <summary>Returns the folder of one tenant's entries: a sandboxed worker sees its own tenant's folder only.</summary>
    public string TenantDirectory(string tenantId) => Path.Combine(_directory, tenantId);

    public CompiledScript? TryLoad(ScriptSource source)
    {
        var key = Key(source);
        var folder = TenantDirectory(source.TenantId);
        try
        {
            using var metadata = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(folder, key + ".json")));
            if (metadata.RootElement.TryGetProperty("errors", out var errors))
            {
                // A script that failed to compile: the same text fails the same way, so its errors are kept too.
                return new CompiledScript(source, new SourceMap(source.Text, []), null, [.. Diagnostics(source, errors, ConnectorDiagnosticSeverity.Error)]);
            }

            var image = File.ReadAllBytes(Path.Combine(folder, key + ".dll"));
            var insertions = metadata.RootElement.GetProperty("insertions").EnumerateArray()
                .Select(pair => (pair[0].GetInt32(), pair[1].GetInt32()))
                .ToList();
            var warnings = Diagnostics(source, metadata.RootElement.GetProperty("warnings"), ConnectorDiagnosticSeverity.Warning).ToList();
            return new CompiledScript(source, new SourceMap(source.Text, insertions), image, warnings);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return null;
        }
    }

    public void Store(ScriptSource source, CompiledScript compiled)
    {
        try
        {
            var folder = TenantDirectory(source.TenantId);
            Directory.CreateDirectory(folder);
            var key = Key(source);
            if (compiled.Image is not null)
            {
                WriteAtomically(Path.Combine(folder, key + ".dll"), compiled.Image);
            }

            WriteAtomically(Path.Combine(folder, key + ".json"), Metadata(compiled));
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // The cache only saves time: a read-only or full disk means compiling again next time.
        }
    }

    private string Key(ScriptSource source) =>
        ContentDigest.Of($"{_buildKey}\n{source.TenantId}\n{source.DisplayPath}\n{source.Text}");

    private static byte[] Metadata(CompiledScript compiled)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("insertions");
            foreach (var (position, length) in compiled.Map.Insertions)
            {
                writer.WriteStartArray();
                writer.WriteNumberValue(position);
                writer.WriteNumberValue(length);
                writer.WriteEndArray();
            }

            writer.WriteEndArray();
            WriteDiagnostics(writer, "warnings", compiled.Diagnostics.Where(d => !d.IsError));
            if (!compiled.Succeeded)
            {
                WriteDiagnostics(writer, "errors", compiled.Diagnostics.Where(d => d.IsError));
            }

            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static IEnumerable<ConnectorDiagnostic> Diagnostics(ScriptSource source, JsonElement array, ConnectorDiagnosticSeverity severity) =>
        array.EnumerateArray().Select(w => new ConnectorDiagnostic(source.DisplayPath, w.GetProperty("line").GetInt32(), w.GetProperty("column").GetInt32(),
            severity, w.GetProperty("code").GetString()!, w.GetProperty("message").GetString()!));

    private static void WriteDiagnostics(Utf8JsonWriter writer, string name, IEnumerable<ConnectorDiagnostic> diagnostics)
    {
        writer.WriteStartArray(name);
        foreach (var diagnostic in diagnostics)
        {
            writer.WriteStartObject();
            writer.WriteNumber("line", diagnostic.Line);
            writer.WriteNumber("column", diagnostic.Column);
            writer.WriteString("code", diagnostic.Code);
            writer.WriteString("message", diagnostic.Message);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private static void WriteAtomically(string path, byte[] content)
    {
        var temporary = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        File.WriteAllBytes(temporary, content);
        File.Move(temporary, path, overwrite: true);
    }
}
