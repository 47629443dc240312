using System.CommandLine;
using WalletCrew.Plugins.Cli.Commands;

namespace WalletCrew.Plugins.Cli;

/// <summary>The <c>wcp</c> command line: parses, dispatches and returns the exit code. Writers are injected so tests run it in process.</summary>
internal static class WcpCli
{
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
        var configuration = new InvocationConfiguration { Output = output, Error = error };
        return CreateRoot().Parse(args).InvokeAsync(configuration, cancellationToken);
    }
}
