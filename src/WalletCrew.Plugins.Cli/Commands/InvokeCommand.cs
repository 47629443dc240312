using System.CommandLine;
using WalletCrew.Plugins.Engine;

namespace WalletCrew.Plugins.Cli.Commands;

/// <summary><c>wcp invoke &lt;tenantDir&gt; installed|uninstalled ...</c>: runs the pass updater hooks once and prints the tenant log.</summary>
internal static class InvokeCommand
{
    public static Command Create()
    {
        var tenantDirectory = CommonOptions.TenantDirectory();
        var change = new Argument<string>("change") { Description = "installed or uninstalled." };
        change.AcceptOnlyFromAmong("installed", "uninstalled");
        var passId = new Option<string>("--pass-id") { Description = "The pass id.", Required = true };
        var passType = new Option<string>("--pass-type") { Description = "The pass type, e.g. loyalty.", Required = true };
        var device = new Option<string>("--device") { Description = "apple or google.", Required = true };
        device.AcceptOnlyFromAmong("apple", "google");
        var identifiers = CommonOptions.Identifiers();
        var secrets = CommonOptions.Secrets();
        var allowLoopback = CommonOptions.AllowLoopback();
        var cache = CommonOptions.Cache();

        var command = new Command("invoke", "Run the tenant's OnPassInstalled or OnPassUninstalled hooks once and print the tenant log.")
        {
            tenantDirectory, change, passId, passType, device, identifiers, secrets, allowLoopback, cache,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            if (!CommonOptions.TryParsePairs(parse.GetValue(identifiers), "--identifier", error, out var identifierValues)
                || !CommonOptions.TryParsePairs(parse.GetValue(secrets), "--secret", error, out var secretValues))
            {
                return ExitCodes.Usage;
            }

            var directory = parse.GetValue(tenantDirectory)!;
            var tenantId = directory.Name;
            using var engine = CommonOptions.CreateEngine(tenantId, secretValues, parse.GetValue(allowLoopback), CommonOptions.CacheDirectory(parse.GetValue(cache)));
            using var tenant = engine.LoadTenant(directory.FullName);
            CommonOptions.WriteDiagnostics(tenant, directory.ToString(), error);
            if (tenant.HasErrors)
            {
                return ExitCodes.Failure;
            }

            DeviceNames.TryParse(parse.GetValue(device), out var wallet);
            var e = new PassInstallationEvent(
                eventId: "cli-" + Guid.NewGuid().ToString("N"),
                tenantId: tenantId,
                passId: parse.GetValue(passId)!,
                passType: parse.GetValue(passType)!,
                identifiers: identifierValues,
                device: wallet,
                installed: parse.GetValue(change) == "installed",
                additionalInformation: new AdditionalPassInstallationInformation(new RegistrationInformation(1, 1), null),
                occurredAt: TimeProvider.System.GetUtcNow(),
                attempt: 1);

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
