using WalletCrew.Plugins.Cli;

namespace WalletCrew.Plugins.Cli.Tests.Support;

/// <summary>Runs <c>wcp</c> in process with captured output, as a user at a terminal would see it.</summary>
internal sealed record CliRun(int ExitCode, string Output, string Error)
{
    static CliRun()
    {
        // Keep the compile cache of in-process runs out of the user's home folder.
        Environment.SetEnvironmentVariable("WCP_CACHE_DIR", Path.Combine(Path.GetTempPath(), "wcp-tests", "cli-cache"));
    }

    public static Task<CliRun> RunAsync(params string[] args) => RunAsync(CancellationToken.None, args);

    public static async Task<CliRun> RunAsync(CancellationToken cancellationToken, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await WcpCli.RunAsync(args, output, error, cancellationToken);
        return new CliRun(exitCode, output.ToString(), error.ToString());
    }

    public string[] OutputLines => Output.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
}
