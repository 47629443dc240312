using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace WalletCrew.Plugins.Engine.Tests.Policy;

/// <summary>Builds a compilation the way the engine does: a Regular console compilation of the script plus a generated globals tree.</summary>
internal static class ScriptCompilation
{
    public const string UserPath = "server/script/connector.csx";

    public const string GeneratedSource = """
        global using System;
        global using System.Collections.Generic;
        global using System.Linq;
        global using System.Threading;
        global using System.Threading.Tasks;
        global using System.Text.Json;
        global using System.Text.Json.Nodes;
        global using WalletCrew.Plugins;
        global using Microsoft.Extensions.Logging;
        global using static __WcpScriptGlobals;

        internal static class __WcpScriptGlobals
        {
            internal static IConnectorContext? Current;

            public static IConnectorContext Context => Current ?? throw new InvalidOperationException("No connector context.");

            public static ILogger Log => Context.Log;

            public static Task<FetchResponse> FetchAsync(string url, object? options = null, CancellationToken cancellationToken = default) =>
                Context.FetchAsync(url, options, cancellationToken);

            public static Task<string> GetSecretAsync(string name, CancellationToken cancellationToken = default) =>
                Context.GetSecretAsync(name, cancellationToken);
        }
        """;

    // The engine's reference set.
    private static readonly string[] EngineAssemblies =
    [
        "System.Private.CoreLib", "System.Runtime", "System.Collections", "System.Linq", "System.Text.Json", "System.Memory",
        "System.Text.RegularExpressions", "System.Threading", "System.Threading.Tasks", "System.ObjectModel",
        "System.Runtime.Numerics", "System.Collections.Concurrent", "System.Text.Encodings.Web", "System.Net.Primitives",
        "System.Private.Uri", "System.Console", "System.Net.Http", "System.Security.Cryptography",
    ];

    // Wider than the engine's on purpose, so that the policy, not a missing reference, is what rejects these.
    private static readonly string[] ExtraAssemblies =
    [
        "System.Diagnostics.Process", "System.Net.Sockets", "System.Net.NameResolution", "System.Net.Requests",
        "System.Threading.Tasks.Parallel", "System.Threading.Thread", "System.Linq.Expressions", "System.Linq.Queryable",
        "System.Linq.Parallel", "System.Reflection.Emit", "System.ComponentModel.Primitives",
    ];

    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest, kind: SourceCodeKind.Regular);

    private static readonly IReadOnlyList<MetadataReference> References = LoadReferences();

    /// <summary>Compiles a script; the returned tree is the one the policy checks.</summary>
    public static (CSharpCompilation Compilation, SyntaxTree UserTree) Create(string source, string assemblyName = "connector")
    {
        var userTree = CSharpSyntaxTree.ParseText(source, ParseOptions, UserPath);
        var generatedTree = CSharpSyntaxTree.ParseText(GeneratedSource, ParseOptions, "__WcpGenerated.cs");
        var options = new CSharpCompilationOptions(
            OutputKind.ConsoleApplication,
            nullableContextOptions: NullableContextOptions.Enable,
            optimizationLevel: OptimizationLevel.Release,
            allowUnsafe: true); // so that the policy, not the compiler, is what rejects unsafe code
        var compilation = CSharpCompilation.Create(assemblyName, [userTree, generatedTree], References, options);
        return (compilation, userTree);
    }

    /// <summary>Gets the compiler's own errors for the script.</summary>
    public static IReadOnlyList<Diagnostic> CompilerErrors(CSharpCompilation compilation) =>
        [.. compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error)];

    private static List<MetadataReference> LoadReferences()
    {
        var wanted = EngineAssemblies.Concat(ExtraAssemblies).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var trusted = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        var paths = trusted.Where(p => wanted.Contains(Path.GetFileNameWithoutExtension(p))).ToList();
        paths.Add(typeof(IPassUpdater).Assembly.Location);
        paths.Add(typeof(Microsoft.Extensions.Logging.ILogger).Assembly.Location);
        paths.AddRange(Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory, "connector-libs"), "*.dll")); // Refit
        return [.. paths
            .GroupBy(Path.GetFileName, StringComparer.OrdinalIgnoreCase)
            .Select(g => (MetadataReference)MetadataReference.CreateFromFile(g.First()))];
    }
}
