// The worker's whole program: one loop over its channel (stdin in, stdout out) until the host closes it.
return await WalletCrew.Plugins.Engine.Sandbox.WorkerLoop.RunAsync(Console.OpenStandardInput(), Console.OpenStandardOutput()).ConfigureAwait(false);
