namespace WalletCrew.Plugins.Engine;

/// <summary>What bounds each sandboxed worker on this host, beside bubblewrap's namespaces, and why a layer is missing.</summary>
/// <param name="Seccomp">Whether workers run under the seccomp filter.</param>
/// <param name="CpuCap">Whether each worker's CPU is capped (<see cref="SandboxOptions.WorkerCpuCores"/> above 0, and a CPU group to cap it in).</param>
/// <param name="MemoryGroup">Whether each worker's memory, with what the kernel holds for it, is bounded by a memory group.</param>
/// <param name="TaskLimit">Whether each worker's threads and processes together are limited by a pids group.</param>
/// <param name="Unprivileged">Whether workers run as an unprivileged user outside their namespaces: the host's own, or, for
/// a root host, a uid of each worker's own.</param>
/// <param name="Warnings">Why a layer the host would give is missing (no cgroup it may write, libseccomp not installed), one sentence each.</param>
public sealed record SandboxLayers(bool Seccomp, bool CpuCap, bool MemoryGroup, bool TaskLimit, bool Unprivileged, IReadOnlyList<string> Warnings);
