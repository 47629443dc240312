using WalletCrew.Plugins.Cli;

return await WcpCli.RunAsync(args, Console.Out, Console.Error, CancellationToken.None);
