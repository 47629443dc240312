using System.CommandLine;
using WalletCrew.Plugins.Cli.Commands;

namespace WalletCrew.Plugins.Cli;

/// <summary>The <c>wcp</c> command line: parses, dispatches and returns the exit code. Writers are injected so tests run it in process.</summary>
internal static class WcpCli
{
    // System.CommandLine's: how long a command has to stop after SIGTERM or Ctrl+C before the process ends (2 s).
    private static readonly TimeSpan? DefaultTermination = new InvocationConfiguration().ProcessTerminationTimeout;

    public static RootCommand CreateRoot() => new("wcp: check, run and host WalletCrew connectors.")
    {
        CheckCommand.Create(),
        InvokeCommand.Create(),
        FillCommand.Create(),
        EmailCommand.Create(),
        ServeCommand.Create(),
        NewCommand.Create(),
        EditCommand.Create(),
        PushCommand.Create(),
    };

    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var parse = CreateRoot().Parse(args);
        var configuration = new InvocationConfiguration
        {
            Output = output,
            Error = error,
            // serve leaves SIGTERM and Ctrl+C to the host, which drains its deliveries for WalletCrew:ShutdownTimeout (30 s by
            // default): System.CommandLine's own handling ends the process 2 s after the signal, whatever is still running.
            ProcessTerminationTimeout = parse.CommandResult.Command.Name == ServeCommand.Name ? null : DefaultTermination,
        };
        return parse.InvokeAsync(configuration, cancellationToken);
    }
}
