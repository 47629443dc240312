using System.CommandLine;
using System.Text.Json;
using WalletCrew.Plugins.Engine;

namespace WalletCrew.Plugins.Cli.Commands;

/// <summary><c>wcp fill &lt;tenantDir&gt; &lt;providerName&gt; ...</c>: runs a customer provider once and prints the data as JSON.</summary>
internal static class FillCommand
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static Command Create()
    {
        var run = new TenantRunOptions();
        var provider = new Argument<string>("providerName") { Description = "The provider's name (the last part of runtime.scriptable.customerProvider.<name>)." };
        var passId = new Option<string>("--pass-id") { Description = "The pass id.", DefaultValueFactory = _ => "cli-pass" };
        var passType = new Option<string>("--pass-type") { Description = "The pass type.", DefaultValueFactory = _ => "loyalty" };
        var data = new Option<string[]>("--data") { Description = "The pass's current data as key=JSON value, e.g. points=10; repeat for several." };

        var command = new Command("fill", "Run a customer provider's Fill once and print the data to merge as JSON (the tenant log goes to standard error).")
        {
            run.TenantDirectory, provider, passId, passType, data,
        };
        run.AddOptionsTo(command);
        command.SetAction((parse, cancellationToken) => run.RunOnceAsync(
            parse,
            data,
            (loaded, passData) => loaded.Tenant.FillAsync(
                parse.GetValue(provider)!,
                ConnectorInputs.Fill(loaded.Tenant.TenantId, parse.GetValue(passId)!, parse.GetValue(passType)!, loaded.Identifiers, passData),
                cancellationToken),
            log: parse.InvocationConfiguration.Error,
            succeeded: result => parse.InvocationConfiguration.Output.WriteLine(result.Data!.ToJsonString(Indented))));
        return command;
    }
}
