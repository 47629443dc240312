using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;
using WalletCrew.Plugins.Host;

namespace WalletCrew.Plugins.Benchmarks.Host;

/// <summary>
/// <c>--host-process</c>: a host in a child process of its own (this program's <c>host-serve</c> mode), so that its CPU time, its
/// allocations and a profiler attached to its PID are the host's alone; the load generator and the stub stay in the parent. The
/// parent asks for the child's counters with a <c>mark</c> line on its standard input and stops it by closing that input.
/// </summary>
internal sealed class HostProcess : IDisposable
{
    private const string MarkReply = "wcp-bench-mark ";
    private readonly Process process;
    private readonly Channel<string> marks = Channel.CreateUnbounded<string>();

    private HostProcess(Process process)
    {
        this.process = process;
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line && line.StartsWith(MarkReply, StringComparison.Ordinal))
            {
                marks.Writer.TryWrite(line[MarkReply.Length..]);
            }
            else if (e.Data is not null)
            {
                Console.Error.WriteLine("[host " + process.Id + "] " + e.Data);
            }
        };
        process.BeginOutputReadLine();
        Exited = process.WaitForExitAsync();
    }

    public int Id => process.Id;

    /// <summary>Gets a task that completes when the child exits.</summary>
    public Task Exited { get; }

    private const string HostEnvPrefix = "WCP_HOST_ENV_";

    /// <summary>Starts <c>host-serve</c> with <paramref name="settings"/> and the host's configuration arguments.</summary>
    public static HostProcess Start(HostSettings settings, IEnumerable<string> hostArgs)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
        {
            start.ArgumentList.Add(typeof(HostProcess).Assembly.Location);
        }

        foreach (var arg in new[] { "host-serve", settings.TenantsRoot, settings.Urls!, settings.Store }.Concat(hostArgs))
        {
            start.ArgumentList.Add(arg);
        }

        // WCP_HOST_ENV_<NAME>=<value> sets <NAME> for the hosts only (a runtime knob to try), not for the generator and stub.
        foreach (var (name, value) in Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .Select(e => ((string)e.Key, (string?)e.Value)).Where(e => e.Item1.StartsWith(HostEnvPrefix, StringComparison.Ordinal)))
        {
            start.Environment[name[HostEnvPrefix.Length..]] = value;
        }

        return new HostProcess(Process.Start(start)!);
    }

    /// <summary>Gets the child's CPU time, allocated bytes, and its store's commits, the writes they carried and SQLite's checkpoints, so far.</summary>
    public async Task<HostMark> MarkAsync()
    {
        await process.StandardInput.WriteLineAsync("mark").ConfigureAwait(false);
        await process.StandardInput.FlushAsync().ConfigureAwait(false);
        var parts = (await marks.Reader.ReadAsync().ConfigureAwait(false)).Split(' ').Select(p => long.Parse(p, CultureInfo.InvariantCulture)).ToArray();
        return new HostMark(TimeSpan.FromTicks(parts[0]), parts[1], parts[2], parts[3], parts[4]);
    }

    /// <summary>Asks the child to stop (it drains as <c>wcp serve</c> does on Ctrl+C).</summary>
    public void Stop() => process.StandardInput.Close();

    public void Dispose() => process.Dispose();

    /// <summary><c>host-serve &lt;tenants&gt; &lt;urls&gt; &lt;store&gt; [--…]</c>: the child's side.</summary>
    public static int Serve(string[] args)
    {
        using var stop = new CancellationTokenSource();
        using var commits = new StoreCommits();
        var host = WalletCrewHost.RunAsync(new HostSettings { TenantsRoot = args[1], Urls = args[2], Store = args[3], AllowLoopback = true }, args[4..], stop.Token);
        while (Console.ReadLine() is { } line)
        {
            if (line == "mark")
            {
                var cpu = Process.GetCurrentProcess().TotalProcessorTime.Ticks;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{MarkReply}{cpu} {GC.GetTotalAllocatedBytes()} {commits.Commits} {commits.Writes} {commits.Checkpoints}"));
            }
        }

        stop.Cancel();
        host.GetAwaiter().GetResult();
        return 0;
    }
}
