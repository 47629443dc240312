using BenchmarkDotNet.Running;
using WalletCrew.Plugins.Benchmarks.Host;
using WalletCrew.Plugins.Benchmarks.Memory;
using WalletCrew.Plugins.Benchmarks.Reload;
using WalletCrew.Plugins.Benchmarks.Startup;

// `-- memory [count] [--precompiled]`, `-- reload [saves]`, `-- cache [count]`, `-- sandbox [starts] [calls]`, `-- sandbox-calls [rounds] [calls]`, `-- worker-phases [starts]`, `-- store [events] [senders]` and `-- host [events] [concurrency] [--store sqlite|postgres]
// [--hosts 1|2]` are plain programs (RSS is process-wide; a reload spans threads and the file system; the host is a server); anything
// else goes to BenchmarkDotNet.
switch (args.FirstOrDefault())
{
    case "memory":
        return MemoryReport.Run(args);
    case "reload":
        return ReloadLatencyReport.Run(args);
    case "cache":
        return CacheStartupReport.Run(args);
    case "host":
        return HostThroughputReport.Run(args);
    case "store":
        return StoreThroughputReport.Run(args);
    case "host-serve":
        return HostProcess.Serve(args);
    case "sandbox":
        return WalletCrew.Plugins.Benchmarks.Sandbox.SandboxReport.Run(args);
    case "sandbox-calls":
        return WalletCrew.Plugins.Benchmarks.Sandbox.SandboxCallsReport.Run(args);
    case "worker-phases":
        return WalletCrew.Plugins.Benchmarks.Sandbox.WorkerPhasesReport.Run(args);
    case "trace-summary":
        return TraceSummary.Run(args);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
