using System.CommandLine;
using WalletCrew.Plugins.Engine;

namespace WalletCrew.Plugins.Cli.Commands;

/// <summary><c>wcp invoke &lt;tenantDir&gt; installed|uninstalled ...</c>: runs the pass updater hooks once and prints the tenant log.</summary>
internal static class InvokeCommand
{
    public static Command Create()
    {
        var run = new TenantRunOptions();
        var change = new Argument<string>("change") { Description = "installed or uninstalled." };
        change.AcceptOnlyFromAmong("installed", "uninstalled");
        var passId = new Option<string>("--pass-id") { Description = "The pass id.", Required = true };
        var passType = new Option<string>("--pass-type") { Description = "The pass type, e.g. loyalty.", Required = true };
        var device = new Option<string>("--device") { Description = "apple or google, in any case.", Required = true };
        device.AcceptOnlyFromAmong(StringComparer.OrdinalIgnoreCase, DeviceNames.Apple, DeviceNames.Google);

        var command = new Command("invoke", "Run the tenant's OnPassInstalled or OnPassUninstalled hooks once and print the tenant log.")
        {
            run.TenantDirectory, change, passId, passType, device,
        };
        run.AddOptionsTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var (loaded, exitCode) = run.Load(parse);
            if (loaded is null)
            {
                return exitCode;
            }

            using var _ = loaded;
            var tenant = loaded.Tenant;
            DeviceNames.TryParse(parse.GetValue(device), out var wallet);
            var e = ConnectorInputs.InstallationEvent(new EventData(
                EventId: "cli-" + Guid.NewGuid().ToString("N"), TenantId: tenant.TenantId, PassId: parse.GetValue(passId)!, PassType: parse.GetValue(passType)!, Identifiers: loaded.Identifiers,
                Device: wallet, Installed: parse.GetValue(change) == "installed", ActiveRegistrationCount: 1, TotalRegistrationCount: 1,
                Tags: null, Medium: null, Origin: null, UserAgent: null, OccurredAt: TimeProvider.System.GetUtcNow(), Attempt: 1));

            var result = await tenant.InvokePassUpdatersAsync(e, cancellationToken);
            foreach (var line in tenant.LoadLog.Concat(result.Log))
            {
                output.WriteLine(line.ToString());
            }

            if (!result.Succeeded)
            {
                error.WriteLine($"{result.Status}: {result.Error}");
                return ExitCodes.Failure;
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
