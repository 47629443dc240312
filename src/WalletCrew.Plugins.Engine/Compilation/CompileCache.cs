using System.Reflection;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace WalletCrew.Plugins.Engine.Compilation;

/// <summary>
/// Compiled script images on disk, keyed by a hash of the source, its tenant and path, the engine and abstractions
/// builds (which carry the policy and the rewriters), the shipped Refit and source generators, and the runtime. A hit is loaded without the compiler.
/// </summary>
/// <remarks>Entries are written to a temporary file and renamed, so a crash never leaves a torn entry; an unreadable entry is a miss.</remarks>
internal sealed class CompileCache
{
    private readonly string _directory;
    private readonly string _buildKey;

    public CompileCache(string directory, IReadOnlyList<string> additionalReferences, bool checkpoints)
    {
        _directory = directory;
        _buildKey = string.Join("|",
        [
            typeof(CompileCache).Assembly.ManifestModule.ModuleVersionId.ToString(),
            typeof(IPassUpdater).Assembly.ManifestModule.ModuleVersionId.ToString(),
            RuntimeInformation.FrameworkDescription,
            checkpoints ? "checkpoints" : "no-checkpoints",
            .. additionalReferences.Select(path => $"{path}@{File.GetLastWriteTimeUtc(path).Ticks}"),
            .. Loading.ConnectorLibraries.Stamps(),
        ]);
    }

    public CompiledScript? TryLoad(ScriptSource source)
    {
        var key = Key(source);
        try
        {
            var image = File.ReadAllBytes(Path.Combine(_directory, key + ".dll"));
            using var metadata = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(_directory, key + ".json")));
            var insertions = metadata.RootElement.GetProperty("insertions").EnumerateArray()
                .Select(pair => (pair[0].GetInt32(), pair[1].GetInt32()))
                .ToList();
            var warnings = metadata.RootElement.GetProperty("warnings").EnumerateArray()
                .Select(w => new ConnectorDiagnostic(source.DisplayPath, w.GetProperty("line").GetInt32(), w.GetProperty("column").GetInt32(),
                    ConnectorDiagnosticSeverity.Warning, w.GetProperty("code").GetString()!, w.GetProperty("message").GetString()!))
                .ToList();
            return new CompiledScript(source, new SourceMap(source.Text, insertions), image, warnings);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return null;
        }
    }

    public void Store(ScriptSource source, CompiledScript compiled)
    {
        if (compiled.Image is null)
        {
            return;
        }

        try
        {
            Directory.CreateDirectory(_directory);
            var key = Key(source);
            WriteAtomically(Path.Combine(_directory, key + ".json"), Metadata(compiled));
            WriteAtomically(Path.Combine(_directory, key + ".dll"), compiled.Image);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // The cache only saves time: a read-only or full disk means compiling again next time.
        }
    }

    private string Key(ScriptSource source) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{_buildKey}\n{source.TenantId}\n{source.DisplayPath}\n{source.Text}")));

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
            writer.WriteStartArray("warnings");
            foreach (var warning in compiled.Diagnostics.Where(d => !d.IsError))
            {
                writer.WriteStartObject();
                writer.WriteNumber("line", warning.Line);
                writer.WriteNumber("column", warning.Column);
                writer.WriteString("code", warning.Code);
                writer.WriteString("message", warning.Message);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static void WriteAtomically(string path, byte[] content)
    {
        var temporary = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        File.WriteAllBytes(temporary, content);
        File.Move(temporary, path, overwrite: true);
    }
}
