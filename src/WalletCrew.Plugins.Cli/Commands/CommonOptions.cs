using System.CommandLine;
using System.Text.Json;
using WalletCrew.Plugins.Engine;

namespace WalletCrew.Plugins.Cli.Commands;

/// <summary>Arguments and options shared by the commands that run connectors.</summary>
internal static class CommonOptions
{
    public static Argument<DirectoryInfo> TenantDirectory() => new("tenantDir")
    {
        Description = "The tenant folder (named by the tenant id), holding server/script/**/*.csx.",
    };

    public static Option<string[]> Secrets() => new("--secret")
    {
        Description = "A tenant secret as NAME=VALUE; repeat for several.",
        AllowMultipleArgumentsPerToken = false,
    };

    public static Option<string[]> Identifiers() => new("--identifier")
    {
        Description = "A pass identifier as key=value, e.g. customerId=C42; repeat for several.",
    };

    public static Option<string> Cache() => new("--cache")
    {
        Description = "The compile cache folder, or 'off'. Defaults to $WCP_CACHE_DIR, else $XDG_CACHE_HOME/wcp (~/.cache/wcp).",
    };

    /// <summary>Returns the cache folder an option value names (the default when not given), or <see langword="null"/> for 'off'.</summary>
    public static string? CacheDirectory(string? value) => Engine.Compilation.CompileCache.DirectoryFor(value);

    public static Option<bool> AllowLoopback() => new("--allow-loopback")
    {
        Description = "Let connectors call loopback addresses, 127.0.0.0/8 and ::1 (development only); private ranges stay closed.",
    };

    public static Option<string> Isolation() => new("--isolation")
    {
        Description = "Where tenant code runs: auto (a bubblewrap sandbox when it works here, else in-process with a warning), sandbox, or in-process.",
        DefaultValueFactory = _ => IsolationModes.Name(IsolationModes.Default),
        Validators =
        {
            result =>
            {
                if (!IsolationModes.TryParse(result.GetValueOrDefault<string>(), out _))
                {
                    result.AddError($"--isolation must be one of {IsolationModes.Names}, not '{result.GetValueOrDefault<string>()}'.");
                }
            },
        },
    };

    public static Option<string[]> PrivateNetworks() => new("--private-network")
    {
        Description = "A private network (CIDR, e.g. 10.20.0.0/16) connectors may reach, for the hosts tenant.json egress.allow lists; repeat for several.",
    };

    /// <summary>Parses repeated CIDR options, reporting the first malformed one.</summary>
    public static bool TryParseNetworks(string[]? values, TextWriter error, out List<System.Net.IPNetwork> networks)
    {
        networks = [];
        foreach (var value in values ?? [])
        {
            if (!System.Net.IPNetwork.TryParse(value, out var network))
            {
                error.WriteLine($"--private-network '{value}' is not a network in CIDR form such as 10.20.0.0/16.");
                return false;
            }

            networks.Add(network);
        }

        return true;
    }

    /// <summary>Parses repeated <c>key=value</c> options, reporting the first malformed one.</summary>
    public static bool TryParsePairs(string[]? values, string option, TextWriter error, out Dictionary<string, string> pairs)
    {
        pairs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var value in values ?? [])
        {
            var equals = value.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                error.WriteLine($"{option} '{value}' is not of the form key=value.");
                return false;
            }

            pairs[value[..equals]] = value[(equals + 1)..];
        }

        return true;
    }

    /// <summary>Parses repeated <c>key=JSON value</c> options (such as <c>--data points=10</c>); writes the first error and returns false.</summary>
    public static bool TryParseJsonPairs(string[]? values, string option, TextWriter error, out Dictionary<string, JsonElement> data)
    {
        data = [];
        if (!TryParsePairs(values, option, error, out var pairs))
        {
            return false;
        }

        foreach (var (key, text) in pairs)
        {
            try
            {
                using var document = JsonDocument.Parse(text);
                data[key] = document.RootElement.Clone();
            }
            catch (JsonException exception)
            {
                error.WriteLine($"{option} {key}: '{text}' is not a JSON value ({exception.Message}). Quote strings: {key}='\"text\"'.");
                return false;
            }
        }

        return true;
    }

    public static ConnectorEngine CreateEngine(string tenantId, Dictionary<string, string> secrets, bool allowLoopback, string? cacheDirectory, IsolationMode isolation, IReadOnlyList<System.Net.IPNetwork>? privateNetworks = null)
    {
        var source = new InMemorySecretSource();
        foreach (var (name, value) in secrets)
        {
            source.Set(tenantId, name, value);
        }

        return new ConnectorEngine(new ConnectorEngineOptions
        {
            Secrets = source,
            AllowLoopback = allowLoopback,
            PrivateNetworks = privateNetworks ?? [],
            CompileCacheDirectory = cacheDirectory,
            Isolation = isolation,

            // One tenant compiled, then the command exits: a warm-up compile before it would be a second compile, paid each run,
            // a spare worker would start only to be stopped, and no other tenant shares the machine with it, so its worker
            // needs no CPU cap (nor the warning a machine without a cgroup to write would print at every command).
            CompilerWarmUp = false,
            Sandbox = new SandboxOptions { SpareWorkers = 0, WorkerCpuCores = 0 },
        });
    }

    /// <summary>Prints diagnostics with paths a terminal or an editor can open from the current folder.</summary>
    public static void WriteDiagnostics(TenantConnectors tenant, string tenantDirectoryAsGiven, TextWriter writer)
    {
        foreach (var diagnostic in tenant.Diagnostics)
        {
            writer.WriteLine((diagnostic with { Path = Path.Combine(tenantDirectoryAsGiven, diagnostic.Path).Replace('\\', '/') }).ToString());
        }
    }
}
