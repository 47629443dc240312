using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using WalletCrew.Plugins.Benchmarks.Support;
using WalletCrew.Plugins.Host.Delivery;
using WalletCrew.Plugins.Host.Ingestion;
using WalletCrew.Plugins.Host.Store;

namespace WalletCrew.Plugins.Benchmarks.Host;

/// <summary>
/// <c>-- store [events] [senders] [--slots N] [--per-tenant N] [--warm-up N] [--synchronous FULL|NORMAL]</c>: the SQLite store
/// alone, without HTTP or connectors, driven as the host drives it. <c>senders</c> callers ingest installs and uninstalls of the
/// load's passes (<see cref="PassRotation"/>) of 4 tenants; one delivery loop claims into <c>slots</c> slots, at most
/// <c>per-tenant</c> of a tenant (both the host's defaults, <see cref="DeliveryOptions"/>, unless given), one claim at a time,
/// and completes each claimed event as delivered with a one-line tenant log entry,
/// freeing its slot once the outcome is queued. Prints delivered events/s, the process's and the writer thread's CPU per
/// event, and commits and writes per commit: the store's own ceiling on this machine, apart from the host's HTTP work (<c>host</c>).
/// </summary>
internal static class StoreThroughputReport
{
    private const int Tenants = 4;
    private const string Owner = "bench-store";

    public static int Run(string[] args)
    {
        var events = args.Length > 1 && int.TryParse(args[1], CultureInfo.InvariantCulture, out var e) ? e : 40_000;
        var senders = args.Length > 2 && int.TryParse(args[2], CultureInfo.InvariantCulture, out var s) ? s : 16;
        var defaults = new DeliveryOptions();
        var slots = Option(args, "--slots", defaults.Concurrency);
        var perTenant = Option(args, "--per-tenant", defaults.PerTenantConcurrency);
        var warmUp = Option(args, "--warm-up", 10_000);
        var synchronous = args.SkipWhile(a => a != "--synchronous").Skip(1).FirstOrDefault() ?? "FULL";
        var folder = Directory.CreateTempSubdirectory("wcp-bench-store-").FullName;
        try
        {
            return RunAsync(Path.Combine(folder, "wcp.db"), events, senders, (slots, perTenant), warmUp, synchronous).GetAwaiter().GetResult();
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<int> RunAsync(string path, int events, int senders, (int Total, int PerTenant) slots, int warmUp, string synchronous)
    {
        await using var store = new SqliteEventStore(new SqliteStoreOptions(path, synchronous));
        await store.InitializeAsync(CancellationToken.None).ConfigureAwait(false);
        using var commits = new StoreCommits();
        var passes = new PassRotation();
        await RoundAsync(store, passes, warmUp, senders, slots).ConfigureAwait(false);

        var writer = WriterThreadCpu();
        var (commitsBefore, writesBefore) = (commits.Commits, commits.Writes);
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        await RoundAsync(store, passes, events, senders, slots).ConfigureAwait(false);
        var seconds = clock.Elapsed.TotalSeconds;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        var writerCpu = WriterThreadCpu() - writer;
        var commitCount = commits.Commits - commitsBefore;
        Console.WriteLine($"# SQLite store alone ({DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, synchronous={synchronous}, load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]})");
        Console.WriteLine("\n| events | senders | slots (per tenant) | delivered events/s | process CPU per event (µs) | writer thread CPU per event (µs) | commits per event | writes per commit |");
        Console.WriteLine("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {events:N0} | {senders} | {slots.Total} ({slots.PerTenant}) | {events / seconds:N0} | {cpu.TotalMicroseconds / events:N0} | {writerCpu.TotalMicroseconds / events:N0} | {(double)commitCount / events:0.000} | {(double)(commits.Writes - writesBefore) / commitCount:0.0} |"));
        return 0;
    }

    /// <summary>Ingests <paramref name="events"/> transitions and delivers every event they create.</summary>
    private static async Task RoundAsync(SqliteEventStore store, PassRotation passes, int events, int senders, (int Total, int PerTenant) slots)
    {
        var created = 0;
        var sent = 0;
        async Task SendAsync()
        {
            while (Interlocked.Increment(ref sent) <= events)
            {
                var (pass, installed) = await passes.TakeAsync().ConfigureAwait(false);
                var now = DateTimeOffset.UtcNow;
                var outcome = await store.IngestAsync(new IngestCommand(EventIds.New(now), $"bench-{pass % Tenants + 1}", $"P{pass:0000}", "loyalty",
                    Device.Apple, "apple", installed, new Dictionary<string, string> { ["customerId"] = $"C-P{pass:0000}" }, null, now, now),
                    CancellationToken.None).ConfigureAwait(false);
                if (outcome.Created)
                {
                    Interlocked.Increment(ref created);
                }

                passes.Return(pass);
            }
        }

        var ingest = Task.WhenAll(Enumerable.Range(0, senders).Select(_ => Task.Run(SendAsync)));
        var delivered = await DeliverAsync(store, slots, () => ingest.IsCompleted ? Volatile.Read(ref created) : int.MaxValue).ConfigureAwait(false);
        await ingest.ConfigureAwait(false);
        if (delivered != created)
        {
            Console.Error.WriteLine($"warning: {created} events created, {delivered} delivered");
        }
    }

    /// <summary>Claims and completes events until <paramref name="target"/> (read on each turn) have been delivered.</summary>
    private static async Task<int> DeliverAsync(SqliteEventStore store, (int Total, int PerTenant) slots, Func<int> target)
    {
        var delivered = 0;
        var running = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        using var free = new SemaphoreSlim(slots.Total, slots.Total);
        var idle = 0;
        while (Volatile.Read(ref delivered) < target())
        {
            await free.WaitAsync().ConfigureAwait(false);
            free.Release();
            var request = new ClaimRequest(Owner, DateTimeOffset.UtcNow, TimeSpan.FromSeconds(30), free.CurrentCount, slots.PerTenant, [],
                running.Where(pair => pair.Value > 0).ToDictionary(pair => pair.Key, pair => pair.Value, StringComparer.Ordinal));
            var claimed = await store.ClaimAsync(request, CancellationToken.None).ConfigureAwait(false);
            if (claimed.Count == 0)
            {
                // Nothing due: the senders are behind, or every due pass is running; a short wait, as the host's poll.
                await Task.Delay(++idle < 10 ? 0 : 1).ConfigureAwait(false);
                continue;
            }

            idle = 0;
            foreach (var item in claimed)
            {
                await free.WaitAsync().ConfigureAwait(false);
                running.AddOrUpdate(item.TenantId, 1, (_, n) => n + 1);
                _ = Task.Run(async () =>
                {
                    var at = DateTimeOffset.UtcNow;
                    var log = new TenantLogRecord(item.TenantId, at, "hook", item.EventId, 1, "delivered", 1, null, [new TenantLogLine("Information", $"sent {item.PassId}")]);
                    var completing = store.CompleteAsync(new DeliveryOutcome(item.EventId, Owner, DeliveryStatus.Delivered, at, null, null, true, log), CancellationToken.None);
                    running.AddOrUpdate(item.TenantId, 0, (_, n) => n - 1);
                    free.Release();
                    await completing.ConfigureAwait(false);
                    Interlocked.Increment(ref delivered);
                });
            }
        }

        return delivered;
    }

    /// <summary>The CPU time of the store's writer thread so far.</summary>
    private static TimeSpan WriterThreadCpu()
    {
        foreach (var task in Directory.GetDirectories("/proc/self/task"))
        {
            if (File.ReadAllText(Path.Combine(task, "comm")).StartsWith("wcp sqlite writ", StringComparison.Ordinal)
                && ProcStat.TryRead(Path.Combine(task, "stat")) is { } fields)
            {
                return ProcStat.Cpu(fields);
            }
        }

        throw new InvalidOperationException("The store's writer thread was not found.");
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
