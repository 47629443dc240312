namespace WalletCrew.Plugins.Engine.Sandbox;

/// <summary>The worker a request was sent to ended before it answered; the message names why (crashed, memory limit, killed past a deadline).</summary>
internal sealed class WorkerExitedException(string reason) : Exception(reason);
