using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace WalletCrew.Plugins.Engine.Compilation;

/// <summary>
/// The generated tree compiled beside every script: default usings and the script globals in both spellings
/// (<c>Context</c>/<c>context</c>, <c>FetchAsync</c>/<c>fetch</c>, <c>GetSecretAsync</c>/<c>getSecret</c>, <c>Log</c>/<c>console</c>).
/// </summary>
/// <remarks>
/// The globals live in the connector's own assembly, so their static state dies with its load context.
/// </remarks>
internal static class ScriptGlobalsSource
{
    public const string Path = "<wcp-globals>.cs";

    public const string GlobalsTypeName = "__WcpScriptGlobals";

    public const string AttachMethodName = "__Attach";

    /// <summary>The generated source itself; <c>wcp edit</c> writes it for editors, so they see the globals the engine compiles.</summary>
    public const string Text = """
        global using System;
        global using System.Collections.Generic;
        global using System.Linq;
        global using System.Text.Json;
        global using System.Text.Json.Nodes;
        global using System.Threading;
        global using System.Threading.Tasks;
        global using Microsoft.Extensions.Logging;
        global using WalletCrew.Plugins;
        global using static __WcpScriptGlobals;

        internal static class __WcpScriptGlobals
        {
            private static IConnectorContext? s_context;
            private static __WcpJsContext? s_js;
            private static __WcpConsole? s_console;

            internal static void __Attach(IConnectorContext context)
            {
                s_context = context;
                s_js = new __WcpJsContext(context);
                s_console = new __WcpConsole(context);
            }

            public static IConnectorContext Context => s_context ?? throw new InvalidOperationException("The connector context is not attached.");
            public static __WcpJsContext context => s_js ?? throw new InvalidOperationException("The connector context is not attached.");
            public static ILogger Log => Context.Log;
            public static __WcpConsole console => s_console ?? throw new InvalidOperationException("The connector context is not attached.");

            public static Task<FetchResponse> FetchAsync(string url, object? options = null, CancellationToken cancellationToken = default) => Context.FetchAsync(url, options, cancellationToken);
            public static Task<FetchResponse> fetch(string url, object? options = null) => Context.FetchAsync(url, options);
            public static Task<string> GetSecretAsync(string name, CancellationToken cancellationToken = default) => Context.GetSecretAsync(name, cancellationToken);
            public static Task<string> getSecret(string name) => Context.GetSecretAsync(name);
        }

        internal sealed class __WcpJsContext(IConnectorContext inner)
        {
            public void register(string key, object implementation) => inner.Register(key, implementation);
            public Task<FetchResponse> fetch(string url, object? options = null) => inner.FetchAsync(url, options);
            public Task<string> getSecret(string name) => inner.GetSecretAsync(name);
            public string tenantId => inner.TenantId;
        }

        internal sealed class __WcpConsole(IConnectorContext inner)
        {
            public void log(params object?[] values) => inner.Log.Log(LogLevel.Information, "{Message}", Join(values));
            public void info(params object?[] values) => inner.Log.Log(LogLevel.Information, "{Message}", Join(values));
            public void debug(params object?[] values) => inner.Log.Log(LogLevel.Debug, "{Message}", Join(values));
            public void warn(params object?[] values) => inner.Log.Log(LogLevel.Warning, "{Message}", Join(values));
            public void error(params object?[] values) => inner.Log.Log(LogLevel.Error, "{Message}", Join(values));

            private static string Join(object?[] values) => string.Join(" ", values.Select(Format));

            private static string Format(object? value) => value switch
            {
                null => "null",
                string text => text,
                bool flag => flag ? "true" : "false",
                IFormattable formattable => formattable.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
                _ => value.ToString() ?? "",
            };
        }
        """;

    public static SyntaxTree Parse(CSharpParseOptions options) =>
        CSharpSyntaxTree.ParseText(SourceText.From(Text, System.Text.Encoding.UTF8), options, Path);
}
