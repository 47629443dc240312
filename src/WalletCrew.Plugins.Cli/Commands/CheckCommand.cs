using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization;
using WalletCrew.Plugins.Engine;

namespace WalletCrew.Plugins.Cli.Commands;

/// <summary><c>wcp check &lt;tenantDir&gt; [--format text|json]</c>: compiles and binds every connector with the server's policy.</summary>
internal static class CheckCommand
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static Command Create()
    {
        var tenantDirectory = CommonOptions.TenantDirectory();
        var format = new Option<string>("--format")
        {
            Description = "Output format.",
            DefaultValueFactory = _ => "text",
        };
        format.AcceptOnlyFromAmong("text", "json");
        var cache = CommonOptions.Cache();

        var command = new Command("check", "Compile and bind every connector of one tenant folder; exit 0 without errors, 1 with.")
        {
            tenantDirectory,
            format,
            cache,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            var directory = parse.GetValue(tenantDirectory)!;
            var output = parse.InvocationConfiguration.Output;
            using var engine = new ConnectorEngine(new ConnectorEngineOptions
            {
                CompileCacheDirectory = CommonOptions.CacheDirectory(parse.GetValue(cache)),
                CompilerWarmUp = false, // one tenant, then exit: a warm-up compile would be a second compile on every run
            });
            using var tenant = engine.LoadTenant(directory.FullName);
            if (parse.GetValue(format) == "json")
            {
                output.WriteLine(JsonSerializer.Serialize(Report(tenant, engine.CompileStatistics), Json));
            }
            else
            {
                CommonOptions.WriteDiagnostics(tenant, directory.ToString(), output);
                var errors = tenant.Diagnostics.Count(d => d.IsError);
                var warnings = tenant.Diagnostics.Count - errors;
                output.WriteLine($"{tenant.TenantId}: {errors} error(s), {warnings} warning(s); {tenant.PassUpdaterCount} pass updater(s), {tenant.CustomerProviders.Count} customer provider(s){(tenant.HasEmailSender ? ", 1 email sender" : "")}.");
            }

            return Task.FromResult(tenant.HasErrors ? ExitCodes.Failure : ExitCodes.Success);
        });
        return command;
    }

    private static object Report(TenantConnectors tenant, CompileStatistics statistics) => new
    {
        compile = new
        {
            compiled = statistics.Compiled,
            fromCache = statistics.FromCache,
            compilerLoaded = AppDomain.CurrentDomain.GetAssemblies().Any(a => a.GetName().Name?.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal) == true),
        },
        tenant = tenant.TenantId,
        success = !tenant.HasErrors,
        passUpdaters = tenant.PassUpdaterCount,
        customerProviders = tenant.CustomerProviders.Order(StringComparer.Ordinal).ToArray(),
        emailSender = tenant.HasEmailSender,
        diagnostics = tenant.Diagnostics,
    };
}
