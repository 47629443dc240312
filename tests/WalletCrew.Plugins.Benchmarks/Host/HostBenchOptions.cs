using System.Globalization;

namespace WalletCrew.Plugins.Benchmarks.Host;

/// <summary>
/// The arguments of <c>-- host [events] [concurrency] [--store sqlite|postgres] [--hosts 1|2] [--postgres "&lt;connection string&gt;"]
/// [--WalletCrew:…=…]</c>; every <c>--WalletCrew:…</c> argument goes to the host(s) unchanged.
/// </summary>
internal sealed record HostBenchOptions(int Events, int Concurrency, bool Postgres, int Hosts, string? PostgresServer, string[] HostArguments)
{
    public const string Usage =
        "usage: host [events] [concurrency] [--store sqlite|postgres] [--hosts 1|2] [--postgres \"<Npgsql connection string>\"] " +
        "[--warm-up <events>] [--partner-latency <ms>] [--in-process | --host-process [--attach-wait <seconds>]] [--WalletCrew:<key>=<value>]...";

    /// <summary>
    /// Gets a value indicating whether each host runs in a child process of its own (<see cref="HostProcess"/>, the default), so the
    /// host's CPU and allocations are its own; <c>--in-process</c> runs the hosts in the benchmark's process, as the first tables did.
    /// </summary>
    public bool HostProcess { get; init; }

    /// <summary>Gets a value indicating whether the store is SQLite flushing every commit (<c>synchronous</c> FULL, the default, or EXTRA).</summary>
    public bool SqliteFlushesEveryCommit => !Postgres && !HostArguments.Contains("--WalletCrew:Store:Synchronous=NORMAL", StringComparer.Ordinal);

    /// <summary>Gets how many events to send and deliver, unmeasured, before measuring (the default is none), so the JIT's tiers settle first.</summary>
    public int WarmUpEvents { get; init; }

    /// <summary>Gets how long the partner stub takes to answer each hook's call, in milliseconds (the default is none): a real partner's own work.</summary>
    public int PartnerLatencyMs { get; init; }

    /// <summary>Gets how long to wait, with the host processes' PIDs printed, before and after measuring, for a profiler to attach and stop.</summary>
    public int AttachWaitSeconds { get; init; }

    /// <summary>Reads <paramref name="args"/> (the first is the mode, <c>host</c>); on a bad argument returns null and says why in <paramref name="error"/>.</summary>
    public static HostBenchOptions? Parse(string[] args, out string error)
    {
        var positional = new List<int>();
        string store = "sqlite", hosts = "1";
        string? server = null;
        var hostProcess = true;
        var attachWait = 0;
        var warmUp = 0;
        var partnerLatency = 0;
        var extra = new List<string>();
        for (var i = 1; i < args.Length; i++)
        {
            var arg = args[i];
            if (arg.StartsWith("--WalletCrew:", StringComparison.Ordinal))
            {
                extra.Add(arg);
            }
            else if (arg is "--host-process" or "--in-process")
            {
                hostProcess = arg == "--host-process";
            }
            else if (arg == "--warm-up" && i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out warmUp))
            {
                i++;
            }
            else if (arg == "--partner-latency" && i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out partnerLatency))
            {
                i++;
            }
            else if (arg == "--attach-wait" && i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out attachWait))
            {
                i++;
            }
            else if (arg is "--store" or "--hosts" or "--postgres")
            {
                if (i + 1 >= args.Length)
                {
                    error = $"{arg} needs a value. {Usage}";
                    return null;
                }

                var value = args[++i];
                if (arg == "--store")
                {
                    store = value;
                }
                else if (arg == "--hosts")
                {
                    hosts = value;
                }
                else
                {
                    server = value;
                }
            }
            else if (int.TryParse(arg, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number > 0 && positional.Count < 2)
            {
                positional.Add(number);
            }
            else
            {
                error = $"'{arg}' is not understood (events and concurrency are positive whole numbers). {Usage}";
                return null;
            }
        }

        error = (store, hosts) switch
        {
            (not ("sqlite" or "postgres"), _) => $"--store is '{store}'; use sqlite (the default) or postgres.",
            (_, not ("1" or "2")) => $"--hosts is '{hosts}'; use 1 (the default) or 2.",
            ("sqlite", "2") => "--hosts 2 needs a database both hosts share; add --store postgres.",
            ("sqlite", _) when server is not null => "--postgres is only read with --store postgres; add --store postgres or drop --postgres.",
            _ when attachWait > 0 && !hostProcess => "--attach-wait is only read when the hosts run in child processes; drop --in-process.",
            _ => string.Empty,
        };
        return error.Length > 0
            ? null
            : new HostBenchOptions(
                positional.Count > 0 ? positional[0] : 5000,
                positional.Count > 1 ? positional[1] : 16,
                store == "postgres",
                hosts == "2" ? 2 : 1,
                server,
                [.. extra]) { HostProcess = hostProcess, AttachWaitSeconds = attachWait, WarmUpEvents = warmUp, PartnerLatencyMs = partnerLatency };
    }

    /// <summary>Gets a short name of the configuration for the summary line, such as <c>PostgreSQL, 2 hosts</c>.</summary>
    public string Configuration => (Postgres ? "PostgreSQL" : "SQLite") + (Hosts == 1 ? ", 1 host" : $", {Hosts} hosts");
}
