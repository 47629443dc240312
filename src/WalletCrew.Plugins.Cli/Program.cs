using System.Runtime.CompilerServices;
using WalletCrew.Plugins.Cli;
using WalletCrew.Plugins.Engine;

// First, before anything can build a Regex: the engine's module initializer sets the process's default match timeout,
// which the runtime reads once, at the first Regex (docs/limits.md).
RuntimeHelpers.RunModuleConstructor(typeof(ConnectorEngine).Module.ModuleHandle);

return await WcpCli.RunAsync(args, Console.Out, Console.Error, CancellationToken.None);
