using System.Diagnostics;

namespace WalletCrew.Plugins.Engine.Sandbox;

/// <summary>A worker's process as <see cref="WorkerLauncher"/> started it (bubblewrap's), its control groups (or
/// <see langword="null"/> where the host has none to give it), the memory limit its data segment was started with,
/// which the host's watch of its resident memory holds it to (<see cref="WorkerLauncher.MemoryLimitBytes"/>), and the uid
/// it runs as, held until it has ended (<see langword="null"/>: the host's user, <see cref="WorkerUser"/>).</summary>
internal sealed record StartedWorker(Process Process, WorkerGroup? Group, long MemoryLimitBytes, WorkerUids.Lease? User = null);
