using BenchmarkDotNet.Running;
using WalletCrew.Plugins.Benchmarks.Memory;

// `-- memory [count]` runs the memory report (a plain program: RSS is a process-wide figure); anything else goes to BenchmarkDotNet.
if (args.Length > 0 && args[0] == "memory")
{
    return MemoryReport.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1_000);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
