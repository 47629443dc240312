using System.CommandLine;
using WalletCrew.Plugins.Engine;

namespace WalletCrew.Plugins.Cli.Commands;

/// <summary><c>wcp email &lt;tenantDir&gt; --recipient R --template T ...</c>: runs the tenant's SendEmail once and prints the tenant log.</summary>
internal static class EmailCommand
{
    public static Command Create()
    {
        var run = new TenantRunOptions(withIdentifiers: false);
        var recipient = new Option<string>("--recipient") { Description = "The target email address.", Required = true };
        var template = new Option<string>("--template") { Description = "The template name (server/email/<template>[.<culture>].liquid).", Required = true };
        var data = new Option<string[]>("--data") { Description = "Template data as key=JSON value, e.g. firstName='\"Ada\"'; repeat for several." };
        var cultures = new Option<string[]>("--culture") { Description = "A culture to render in, preferred first (e.g. fr-CA); repeat for several." };

        var command = new Command("email", "Run the tenant's SendEmail once with its templates and print the tenant log.")
        {
            run.TenantDirectory, recipient, template, data, cultures,
        };
        run.AddOptionsTo(command);
        command.SetAction((parse, cancellationToken) => run.RunOnceAsync(
            parse,
            data,
            (loaded, templateData) => loaded.Tenant.SendEmailAsync(
                ConnectorInputs.Email(
                    loaded.Tenant.TenantId,
                    "cli-" + Guid.NewGuid().ToString("N"),
                    parse.GetValue(recipient)!,
                    parse.GetValue(template)!,
                    templateData,
                    parse.GetValue(cultures) ?? []),
                cancellationToken),
            log: parse.InvocationConfiguration.Output));
        return command;
    }
}
