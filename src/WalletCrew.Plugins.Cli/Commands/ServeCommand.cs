using System.CommandLine;
using Microsoft.Extensions.Options;
using WalletCrew.Plugins.Host;

namespace WalletCrew.Plugins.Cli.Commands;

/// <summary><c>wcp serve --tenants &lt;root&gt; [--urls URL] [--store sqlite:&lt;path&gt;|postgres:&lt;conn&gt;] [--isolation auto|sandbox|in-process]</c>: runs the host service.</summary>
internal static class ServeCommand
{
    public const string Name = "serve";

    public static Command Create()
    {
        var tenants = new Option<DirectoryInfo>("--tenants") { Description = "The tenants root: one folder per tenant id.", Required = true };
        var urls = new Option<string>("--urls")
        {
            Description = $"The addresses to listen on, separated by ';'. Defaults to the configuration's (ASPNETCORE_URLS, Urls, HTTP_PORTS, Kestrel:Endpoints), else {HostSettings.DefaultUrls}.",
            Validators = { result => CheckUrls(result) },
        };
        var store = new Option<string>("--store") { Description = "The event store: sqlite:<path> or postgres:<connection string>.", DefaultValueFactory = _ => "sqlite:wcp.db" };
        var apiKeys = new Option<string[]>("--api-key")
        {
            Description = "An API key callers must send as 'Authorization: Bearer <key>' (16 characters or more), with the scopes platform and admin; repeat for several. Keys with narrower scopes: WalletCrew__ApiKeys__0__Key and WalletCrew__ApiKeys__0__Scopes in the environment.",
        };
        var allowLoopback = CommonOptions.AllowLoopback();
        var cache = CommonOptions.Cache();
        var isolation = CommonOptions.Isolation();
        var importTenants = new Option<bool>("--import-tenants")
        {
            Description = "Whether the tenants folder feeds the store (the default: this flag is accepted for older command lines). At start every tenant folder the store has no version of "
                + "is stored (checked first), and a save in a stored tenant's folder becomes its next version. '--import-tenants false' keeps folder tenants out of the store.",
        };

        var command = new Command(Name, "Run the host service: ingestion, delivery to the hooks, Fill and admin APIs, with hot reload.")
        {
            tenants, urls, store, apiKeys, allowLoopback, cache, isolation, importTenants,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var error = parse.InvocationConfiguration.Error;
            var root = parse.GetValue(tenants)!;
            if (!root.Exists)
            {
                error.WriteLine($"--tenants: '{root}' does not exist; point it at a folder holding one folder per tenant id.");
                return ExitCodes.Usage;
            }

            var settings = new HostSettings
            {
                TenantsRoot = root.FullName,
                Urls = Explicit(parse, urls),
                Store = parse.GetValue(store)!,
                AllowLoopback = parse.GetValue(allowLoopback),
            };
            try
            {
                // Only what the command line says overrides configuration (appsettings.json, the environment): an option's
                // default passed on would outrank both, and the host applies the same defaults itself.
                await WalletCrewHost.RunAsync(settings, Configuration(parse.GetValue(apiKeys), Explicit(parse, cache), Explicit(parse, isolation),
                    parse.GetResult(importTenants) is { Implicit: false } ? parse.GetValue(importTenants) : null), cancellationToken);
                return ExitCodes.Success;
            }
            catch (Exception exception) when (IsConfigurationProblem(exception))
            {
                // Configuration problems are the operator's to fix: say what is wrong, not where in our code it was noticed.
                // Several sections wrong at once come as one AggregateException: every problem, on the one line.
                var problems = exception is AggregateException all ? all.InnerExceptions : [exception];
                error.WriteLine($"wcp serve: {string.Join(" ", problems.Select(p => p.Message))}");
                return ExitCodes.Failure;
            }
        });
        return command;
    }

    // The --api-key keys' names under WalletCrew:ApiKeys, apart from the configuration's 0, 1, … (a key of the same name took
    // that entry's place, and was dropped beside its Key and Scopes).
    private const string ApiKeyPrefix = "api-key-";

    // What Kestrel accepts (http://host:port, http://*:port, http://[::1]:port), checked before the host is built: a wrong
    // one was an unhandled FormatException with a stack trace.
    private static void CheckUrls(System.CommandLine.Parsing.OptionResult result)
    {
        foreach (var address in (result.GetValueOrDefault<string>() ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            try
            {
                _ = Microsoft.AspNetCore.Http.BindingAddress.Parse(address);
            }
            catch (FormatException)
            {
                result.AddError($"--urls: '{address}' is not an address to listen on; use scheme://host:port, such as http://127.0.0.1:5080 or http://*:8080, several separated by ';'.");
            }
        }
    }

    private static bool IsConfigurationProblem(Exception exception) => exception is AggregateException all
        ? all.InnerExceptions.All(IsConfigurationProblem)
        : exception is OptionsValidationException or InvalidOperationException or ArgumentException or IOException or FormatException;

    // The option's value when the command line gives it, else null.
    private static string? Explicit(ParseResult parse, Option<string> option) =>
        parse.GetResult(option) is { Implicit: false } ? parse.GetValue(option) : null;

    private static string[] Configuration(string[]? apiKeys, string? cache, string? isolation, bool? importTenants) =>
    [
        .. isolation is null ? Array.Empty<string>() : [$"--WalletCrew:Engine:Isolation={isolation}"],
        .. importTenants is { } import ? [$"--WalletCrew:TenantFiles:ImportFolders={(import ? "true" : "false")}"] : Array.Empty<string>(),
        .. (apiKeys ?? []).Select((key, index) => $"--WalletCrew:ApiKeys:{ApiKeyPrefix}{index}={key}"),
        .. cache is null ? Array.Empty<string>() : [$"--WalletCrew:Engine:CompileCacheDirectory={cache}"],
    ];
}
