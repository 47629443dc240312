using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Etlx;
using Microsoft.Diagnostics.Tracing.EventPipe;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

namespace WalletCrew.Plugins.Benchmarks.Host;

/// <summary>
/// <c>-- trace-summary &lt;host.nettrace&gt; &lt;run.txt&gt;</c> (see <c>eng/profile-host.sh</c>): reads a dotnet-trace of the host
/// process (thread-time samples and GC allocation ticks) and the benchmark's output (events, the host's CPU and allocated bytes
/// per event), and prints Markdown tables: samples by component, allocations by type and by component, the hottest methods.
/// A sample goes to the component of its leaf-most frame that names one; frames of the BCL's generic parts are skipped.
/// </summary>
internal static partial class TraceSummary
{
    // Checked from the leaf to the root; the first prefix that matches names the component. Order matters within a frame only.
    private static readonly (string Prefix, string Component)[] Components =
    [
        ("Microsoft.Data.Sqlite", "store: Microsoft.Data.Sqlite"), ("SQLitePCL", "store: Microsoft.Data.Sqlite"),
        ("Npgsql", "store: Npgsql"), ("WalletCrew.Plugins.Host.Store", "store: the host's store code"),
        ("System.Text.Json", "JSON (System.Text.Json)"),
        ("System.Net.Http", "outbound HTTP (SocketsHttpHandler)"),
        ("Microsoft.AspNetCore", "Kestrel / ASP.NET Core"), ("System.IO.Pipelines", "Kestrel / ASP.NET Core"),
        ("Microsoft.Extensions.Logging", "logging"),
        ("WalletCrew.Plugins.Host.Delivery", "delivery worker"), ("WalletCrew.Plugins.Host.Ingestion", "ingest endpoint"),
        ("WalletCrew.Plugins.Host", "host, other"),
        ("WalletCrew.Plugins.Engine", "engine (invocation, fetch, limits)"), ("Submission#", "tenant hook (compiled script)"),
        ("WalletCrew.Plugins.Abstractions", "engine (invocation, fetch, limits)"),
        ("System.Net.Sockets", "sockets, either direction"), ("System.Net.Security", "sockets, either direction"),
        ("Microsoft.Extensions", "Microsoft.Extensions (DI, options, primitives)"),
    ];

    private static readonly string[] Waits =
    [
        "WaitHandle.", "Monitor.Wait", "LowLevelLifoSemaphore", "LowLevelMonitor", "Thread.Sleep", "SocketAsyncEngine.EventLoop",
        "WaitForSocketEvents", "ManualResetEventSlim.Wait", "SemaphoreSlim.Wait", "Task.Wait", "Thread.Join", "System.Console",
        "WaitThread", "GateThread", "TimerQueue", "Interop+Sys.Read(", "ConsolePal", "WaitNative", "WaitForSignal", "WaitOneNoCheck",
    ];

    public static int Run(string[] args)
    {
        var run = File.ReadAllText(args[2]);
        var host = HostLine().Match(run);
        var events = double.Parse(TableRow().Match(run).Groups[1].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
        var cpuPerEvent = double.Parse(host.Groups[1].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
        var kbPerEvent = double.Parse(host.Groups[2].Value, CultureInfo.InvariantCulture);

        using var log = new TraceLog(TraceLog.CreateFromEventPipeDataFile(args[1]));
        var onCpu = new Dictionary<string, (int Managed, int Native)>();
        var leaves = new Dictionary<string, int>();
        var lockTakers = new Dictionary<string, int>();
        var waiting = 0;
        var byType = new Dictionary<string, long>();
        var allocByComponent = new Dictionary<string, long>();
        var allocSites = new Dictionary<string, long>();
        var lastSample = new Dictionary<int, double>();
        var gaps = new List<double>();
        foreach (var e in log.Events)
        {
            if (e is ClrThreadSampleTraceData sample)
            {
                if (lastSample.TryGetValue(e.ThreadID, out var last))
                {
                    gaps.Add(e.TimeStampRelativeMSec - last);
                }

                lastSample[e.ThreadID] = e.TimeStampRelativeMSec;
                var kind = sample.Type;
                var frames = Frames(e.CallStack());
                // A thread blocked in a wait, or parked for a GC, is sampled too: those samples are thread time, not CPU.
                if (frames.Take(4).Any(f => f.Contains("PollGC", StringComparison.Ordinal) || Waits.Any(w => f.Contains(w, StringComparison.Ordinal))))
                {
                    waiting++;
                    continue;
                }

                var contended = frames.Count > 0 && frames[0].Contains("Monitor.Enter_Slowpath", StringComparison.Ordinal);
                var component = contended ? "lock contention: Monitor.Enter (spinning or waiting)" : Classify(frames);
                if (contended)
                {
                    // Who takes the lock: the first frames outside System.Threading, with their callers (a lock's owner is often two calls up).
                    var taker = string.Join(" ← ", frames.Skip(1).SkipWhile(f => f.StartsWith("System.Threading.", StringComparison.Ordinal)).Take(6).Select(f => f.Split('(')[0]));
                    lockTakers[taker] = lockTakers.GetValueOrDefault(taker) + 1;
                }

                var counts = onCpu.GetValueOrDefault(component);
                onCpu[component] = kind == ClrThreadSampleType.Managed ? (counts.Managed + 1, counts.Native) : (counts.Managed, counts.Native + 1);
                if (kind == ClrThreadSampleType.Managed && frames.Count > 0)
                {
                    leaves[frames[0]] = leaves.GetValueOrDefault(frames[0]) + 1;
                }
            }
            else if (e is GCAllocationTickTraceData tick)
            {
                byType[tick.TypeName ?? "?"] = byType.GetValueOrDefault(tick.TypeName ?? "?") + tick.AllocationAmount64;
                var component = Classify(Frames(e.CallStack()));
                allocByComponent[component] = allocByComponent.GetValueOrDefault(component) + tick.AllocationAmount64;
                // Where: the first frames outside the runtime's collections, text and threading helpers.
                var site = $"`{tick.TypeName}` ← " + string.Join(" ← ", Frames(e.CallStack())
                    .SkipWhile(f => f.StartsWith("System.", StringComparison.Ordinal)).Take(3).Select(f => f.Split('(')[0]));
                allocSites[site] = allocSites.GetValueOrDefault(site) + tick.AllocationAmount64;
            }
        }

        gaps.Sort();
        var interval = gaps.Count > 0 ? gaps[gaps.Count / 2] : double.NaN;
        double managed = onCpu.Values.Sum(c => c.Managed), native = onCpu.Values.Sum(c => c.Native);
        var output = Console.Out;
        output.WriteLine(FormattableString.Invariant(
            $"{events:N0} events; host CPU per event {cpuPerEvent:N0} µs and allocated per event {kbPerEvent:N1} KB (measured, from run.txt); sample interval (median gap per thread) {interval:0.00} ms; samples: {managed:N0} in managed code, {native:N0} in native code not waiting, {waiting:N0} waiting"));
        output.WriteLine();
        output.WriteLine("| component | managed code: µs per event | share | native code, not waiting: µs per event |");
        output.WriteLine("|---|---:|---:|---:|");
        foreach (var (component, counts) in onCpu.OrderByDescending(p => p.Value.Managed))
        {
            output.WriteLine(FormattableString.Invariant(
                $"| {component} | {counts.Managed * interval * 1000 / events:N0} | {counts.Managed / managed:P1} | {counts.Native * interval * 1000 / events:N0} |"));
        }

        output.WriteLine(FormattableString.Invariant(
            $"| all | {managed * interval * 1000 / events:N0} | 100 % | {native * interval * 1000 / events:N0} |"));

        double sampled = byType.Values.Sum();
        output.WriteLine();
        output.WriteLine(FormattableString.Invariant($"Allocation ticks: {sampled / 1024 / 1024:N0} MB sampled ({sampled / 1024 / events:N1} KB per event against {kbPerEvent:N1} KB measured)."));
        output.WriteLine();
        output.WriteLine("| type | share of sampled bytes | ≈ KB per event |");
        output.WriteLine("|---|---:|---:|");
        foreach (var (type, bytes) in byType.OrderByDescending(p => p.Value).Take(15))
        {
            output.WriteLine(FormattableString.Invariant($"| `{type}` | {bytes / sampled:P1} | {bytes / sampled * kbPerEvent:N1} |"));
        }

        output.WriteLine();
        output.WriteLine("| allocating component | share of sampled bytes | ≈ KB per event |");
        output.WriteLine("|---|---:|---:|");
        foreach (var (component, bytes) in allocByComponent.OrderByDescending(p => p.Value))
        {
            output.WriteLine(FormattableString.Invariant($"| {component} | {bytes / sampled:P1} | {bytes / sampled * kbPerEvent:N1} |"));
        }

        output.WriteLine();
        output.WriteLine("| type ← allocating frames (the first outside System.*, innermost first) | share of sampled bytes | ≈ KB per event |");
        output.WriteLine("|---|---:|---:|");
        foreach (var (site, bytes) in allocSites.OrderByDescending(p => p.Value).Take(20))
        {
            output.WriteLine(FormattableString.Invariant($"| {site} | {bytes / sampled:P1} | {bytes / sampled * kbPerEvent:N1} |"));
        }

        double contendedSamples = lockTakers.Values.Sum();
        if (contendedSamples > 0)
        {
            output.WriteLine();
            output.WriteLine("| contended lock taken by (the frames outside System.Threading, innermost first) | share of Monitor.Enter samples |");
            output.WriteLine("|---|---:|");
            foreach (var (taker, count) in lockTakers.OrderByDescending(p => p.Value).Take(10))
            {
                output.WriteLine(FormattableString.Invariant($"| `{taker}` | {count / contendedSamples:P1} |"));
            }
        }

        output.WriteLine();
        output.WriteLine("| hottest leaf methods (managed samples) | share |");
        output.WriteLine("|---|---:|");
        foreach (var (method, count) in leaves.OrderByDescending(p => p.Value).Take(25))
        {
            output.WriteLine(FormattableString.Invariant($"| `{method}` | {count / managed:P1} |"));
        }

        return 0;
    }

    // Leaf first; "?" for a frame whose method the trace did not name.
    private static List<string> Frames(TraceCallStack? stack)
    {
        var frames = new List<string>();
        for (; stack is not null; stack = stack.Caller)
        {
            var name = stack.CodeAddress.FullMethodName;
            frames.Add(string.IsNullOrEmpty(name) ? "?" + stack.CodeAddress.ModuleName : name);
        }

        return frames;
    }

    private static string Classify(List<string> frames)
    {
        if (frames.Count == 0 || frames.All(f => f.StartsWith('?')))
        {
            return "not attributed: no resolved frame";
        }

        string? sockets = null;
        foreach (var frame in frames)
        {
            foreach (var (prefix, component) in Components)
            {
                if (frame.StartsWith(prefix, StringComparison.Ordinal) || frame.Contains("!" + prefix, StringComparison.Ordinal))
                {
                    // Socket code is either Kestrel's or HttpClient's: look further for the owner.
                    if (component.StartsWith("sockets", StringComparison.Ordinal))
                    {
                        sockets ??= component;
                        break;
                    }

                    return component;
                }
            }
        }

        return sockets ?? "not attributed: runtime and BCL only (thread pool, tasks, timers, GC, JIT)";
    }

    [GeneratedRegex(@"CPU per event ([\d,]+) µs, allocated per event ([\d.]+) KB")]
    private static partial Regex HostLine();

    [GeneratedRegex(@"^\| ([\d,]+) \| \d+ \|", RegexOptions.Multiline)]
    private static partial Regex TableRow();
}
