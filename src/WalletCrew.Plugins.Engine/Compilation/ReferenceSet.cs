using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace WalletCrew.Plugins.Engine.Compilation;

/// <summary>
/// The assemblies connector scripts compile against: a fixed part of the framework, the abstractions, and the libraries
/// shipped for connectors (Refit), which each connector's context loads privately.
/// </summary>
internal static class ReferenceSet
{
    private static readonly string[] FrameworkAssemblies =
    [
        "System.Private.CoreLib", "System.Runtime", "System.Collections", "System.Collections.Concurrent", "System.Linq",
        "System.Memory", "System.Text.Json", "System.Text.Encodings.Web", "System.Text.RegularExpressions", "System.Threading",
        "System.Threading.Tasks", "System.ObjectModel", "System.Runtime.Numerics", "System.Net.Primitives", "System.Private.Uri",
        "System.Console", "System.Net.Http", "System.ComponentModel.Primitives", "netstandard",

        // Refit's [Body] attribute names System.IO.Compression.CompressionLevel; without it a typed client with a body does not compile.
        "System.IO.Compression",

        // Hashing, HMAC, random numbers and RSA/ECDsa signing (the policy keeps stores, certificates and files out).
        "System.Security.Cryptography",

        // Referenced so the policy can name what a script tried to use, instead of the compiler saying the type is unknown.
        "System.Diagnostics.Process", "System.Net.Sockets", "System.Net.NameResolution", "System.Net.Requests",
        "System.Threading.Tasks.Parallel", "System.Linq.Queryable", "System.Linq.Expressions", "System.Reflection.Emit", "System.Threading.Thread",
    ];

    private static readonly Lazy<ImmutableArray<MetadataReference>> s_references = new(Create);

    public static ImmutableArray<MetadataReference> References => s_references.Value;

    private static ImmutableArray<MetadataReference> Create()
    {
        var trusted = ((string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .GroupBy(p => Path.GetFileNameWithoutExtension(p), StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.OrdinalIgnoreCase);

        var paths = FrameworkAssemblies
            .Select(name => trusted.TryGetValue(name, out var path) ? path : null)
            .OfType<string>()
            .Append(typeof(IPassUpdater).Assembly.Location)
            .Append(typeof(Microsoft.Extensions.Logging.ILogger).Assembly.Location)
            .Concat(Loading.ConnectorLibraries.Paths.Values.Order(StringComparer.Ordinal));

        return [.. paths.Distinct(StringComparer.Ordinal).Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))];
    }
}
