using System.Diagnostics;

namespace WalletCrew.Plugins.Engine.Sandbox;

/// <summary>A worker's process as <see cref="WorkerLauncher"/> started it (bubblewrap's), and its control groups, or
/// <see langword="null"/> where the host has none to give it.</summary>
internal sealed record StartedWorker(Process Process, WorkerGroup? Group);
