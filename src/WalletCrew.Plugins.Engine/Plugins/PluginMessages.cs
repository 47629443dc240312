using WalletCrew.Plugins.Engine.Invocation;

namespace WalletCrew.Plugins.Engine.Plugins;

/// <summary>The diagnostics of plugin assemblies, in one place: each says what is wrong, where, and how to fix it.</summary>
internal static class PluginMessages
{
    private const string Abstractions = "WalletCrew.Plugins.Abstractions";

    public static ConnectorDiagnostic AbstractionsMajorMismatch(string path, Version plugin, Version host) =>
        Error(path, PluginCodes.AbstractionsMajorMismatch,
            $"The plugin was built against {Abstractions} {Format(plugin)}, but this host provides {Abstractions} {Format(host)}; "
            + $"major versions must match. Rebuild the plugin against {Abstractions} {host.Major}.x (this host's {Format(host)}).");

    public static ConnectorDiagnostic AbstractionsNewerThanHost(string path, Version plugin, Version host) =>
        Error(path, PluginCodes.AbstractionsNewerThanHost,
            $"The plugin was built against {Abstractions} {Format(plugin)}, newer than this host's {Format(host)}, so members it uses may not exist here. "
            + $"Rebuild the plugin against {Abstractions} {Format(host)}, or upgrade the host.");

    public static ConnectorDiagnostic NotAConnector(string path) =>
        Error(path, PluginCodes.NotAConnector,
            $"The assembly does not reference {Abstractions}, so it is not a connector. "
            + $"Reference {Abstractions} (Private=false) and implement IConnectorModule, IPassUpdater or ICustomerProvider.");

    public static ConnectorDiagnostic ForbiddenApi(string path, string plugin, string symbol, string reason) =>
        Error(path, PluginCodes.ForbiddenApi,
            $"The plugin {plugin} uses '{symbol}', which is not allowed in connectors: {reason}. Nothing from the plugin was loaded; docs/policy.md lists what connectors may use.");

    public static ConnectorDiagnostic RefusedFile(string path, string file, string problem) =>
        Error(path, PluginCodes.RefusedFile,
            $"The plugin file {file} is refused: {problem}. Nothing from the plugin was loaded; ship the plugin's build output as it is, in its own folder.");

    public static ConnectorDiagnostic RefusedFolder(string path, string problem) =>
        Error(path, PluginCodes.RefusedFile,
            $"The plugin folder is refused: {problem}. Nothing from the plugin was loaded; ship the plugin's build output as it is, in its own folder.");

    public static ConnectorDiagnostic NotAnAssembly(string path, string reason) =>
        Error(path, PluginCodes.NotAnAssembly, $"The file is not a .NET assembly ({reason}). Copy the plugin's build output (bin/Release/net10.0) into its folder.");

    public static ConnectorDiagnostic MissingAssembly(string path, string name) =>
        Error(path, PluginCodes.MissingAssembly,
            $"The plugin folder has no {name}.dll. A plugin folder server/plugins/<Name>/ must contain <Name>.dll: copy the plugin's build output into it, or rename the folder after its assembly.");

    public static ConnectorDiagnostic LoadFailed(string path, Exception exception) =>
        Error(path, PluginCodes.LoadFailed,
            $"The plugin could not be loaded: {Describe(exception)}. Copy all of the plugin's build output (its dependencies and .deps.json) into its folder.");

    public static ConnectorDiagnostic CreateFailed(string path, Type type, Exception exception) =>
        Error(path, PluginCodes.CreateFailed, $"Creating {type.FullName} failed: {Describe(exception)}.");

    public static ConnectorDiagnostic NoUsableConstructor(string path, Type type, bool module) =>
        Error(path, PluginCodes.CreateFailed, module
            ? $"{type.FullName} has no public parameterless constructor: the platform creates modules with it and passes the context to Register."
            : $"{type.FullName} has no public constructor the platform can call: give it a parameterless constructor or one taking IConnectorContext.");

    public static ConnectorDiagnostic RegisterFailed(string path, Type type, Exception exception) =>
        Error(path, PluginCodes.RegisterFailed, $"{type.FullName}.Register failed: {Describe(exception)}.");

    public static ConnectorDiagnostic RegisterTimedOut(string path, TimeSpan timeout) =>
        Error(path, PluginCodes.RegisterFailed,
            $"The plugin's registration did not finish within {timeout.TotalSeconds:0.#} s (limit: LoadTimeout); register connectors without waiting on I/O.");

    public static ConnectorDiagnostic NoEntryPoint(string path) =>
        Error(path, PluginCodes.NoEntryPoint,
            "The plugin has no public, non-abstract type implementing IConnectorModule, IPassUpdater, ICustomerProvider or IEmailSender: make your connector class public.");

    public static ConnectorDiagnostic NotInstrumentable(string path, Exception exception) =>
        Error(path, PluginCodes.NotInstrumentable,
            $"The plugin's code could not be given the wall-time checkpoints every connector runs with ({Describe(exception)}), so it was not loaded. "
            + "Build it with the standard C# compiler from unmodified sources.");

    private static string Format(Version version) => version.ToString(3);

    private static string Describe(Exception exception)
    {
        exception = ExceptionDescriber.Unwrap(exception);
        return TenantText.Clean($"{exception.GetType().Name}: {ExceptionDescriber.MessageOf(exception).TrimEnd('.')}");
    }

    private static ConnectorDiagnostic Error(string path, string code, string message) =>
        new(path, 0, 0, ConnectorDiagnosticSeverity.Error, code, message);
}
