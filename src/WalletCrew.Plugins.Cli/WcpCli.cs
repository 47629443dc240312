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
        return InvokeAsync(parse, configuration, cancellationToken);
    }

    // A command line the parser refuses (an unknown option, a value not among the choices) exits 2 like every other usage
    // error, so a script tells a typo from connectors with errors (1); the parser's own action prints the errors.
    // A file system problem (a path that is a file, a folder it may not write, a link loop) is the user's to fix: one line
    // saying what and where, not a stack trace. Anything else is a bug, and keeps its trace.
    private static async Task<int> InvokeAsync(ParseResult parse, InvocationConfiguration configuration, CancellationToken cancellationToken)
    {
        configuration.EnableDefaultExceptionHandler = false;
        try
        {
            var code = await parse.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
            return parse.Errors.Count > 0 ? ExitCodes.Usage : code;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            await configuration.Error.WriteLineAsync($"wcp: {exception.Message}").ConfigureAwait(false);
            return ExitCodes.Failure;
        }
    }
}
