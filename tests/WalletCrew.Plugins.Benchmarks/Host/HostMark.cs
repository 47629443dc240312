namespace WalletCrew.Plugins.Benchmarks.Host;

/// <summary>A host child's counters at one moment.</summary>
internal sealed record HostMark(TimeSpan Cpu, long Allocated, long Commits, long Writes, long Checkpoints);
