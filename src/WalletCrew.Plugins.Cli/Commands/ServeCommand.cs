using System.CommandLine;

namespace WalletCrew.Plugins.Cli.Commands;

/// <summary><c>wcp serve --tenants &lt;root&gt; [--urls URL] [--store sqlite:&lt;path&gt;|postgres:&lt;conn&gt;]</c>: runs the host service.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var tenants = new Option<DirectoryInfo>("--tenants") { Description = "The tenants root: one folder per tenant id.", Required = true };
        var urls = new Option<string>("--urls") { Description = "The addresses to listen on.", DefaultValueFactory = _ => "http://127.0.0.1:5080" };
        var store = new Option<string>("--store") { Description = "The event store: sqlite:<path> or postgres:<connection string>.", DefaultValueFactory = _ => "sqlite:wcp.db" };
        var allowLoopback = CommonOptions.AllowLoopback();

        var command = new Command("serve", "Run the host service: ingestion, delivery to the hooks, Fill and admin APIs.")
        {
            tenants, urls, store, allowLoopback,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            parse.InvocationConfiguration.Error.WriteLine("wcp serve is not available in this build yet.");
            return Task.FromResult(ExitCodes.Failure);
        });
        return command;
    }
}
