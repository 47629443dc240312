using BenchmarkDotNet.Running;
using WalletCrew.Plugins.Benchmarks.Memory;
using WalletCrew.Plugins.Benchmarks.Reload;
using WalletCrew.Plugins.Benchmarks.Startup;

// `-- memory [count] [--precompiled]`, `-- reload [saves]` and `-- cache [count]` are plain programs (RSS is process-wide; a reload spans
// threads and the file system); anything else goes to BenchmarkDotNet.
switch (args.FirstOrDefault())
{
    case "memory":
        return MemoryReport.Run(args);
    case "reload":
        return ReloadLatencyReport.Run(args);
    case "cache":
        return CacheStartupReport.Run(args);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
