using WalletCrew.Plugins.Host;

// Usage: TestServer <tenantsRoot> <store> <urls> [configuration args such as --WalletCrew:ApiKeys:0=KEY]
if (args.Length < 3)
{
    await Console.Error.WriteLineAsync("usage: TestServer <tenantsRoot> <store> <urls> [--Key=Value]...");
    return 2;
}

var settings = new HostSettings { TenantsRoot = args[0], Store = args[1], Urls = args[2], AllowLoopback = true };
await WalletCrewHost.RunAsync(settings, args[3..], CancellationToken.None);
return 0;
