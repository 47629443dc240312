using BenchmarkDotNet.Running;
using WalletCrew.Plugins.Benchmarks.Memory;

// `-- memory [count] [--precompiled]` runs the memory report (a plain program: RSS is a process-wide figure); anything else goes to BenchmarkDotNet.
if (args.Length > 0 && args[0] == "memory")
{
    return MemoryReport.Run(args);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
