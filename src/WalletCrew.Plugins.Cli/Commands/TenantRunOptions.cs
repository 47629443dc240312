using System.CommandLine;
using System.Text.Json;
using WalletCrew.Plugins.Engine;

namespace WalletCrew.Plugins.Cli.Commands;

/// <summary>The arguments and options of the commands that run a tenant's connectors once (<c>invoke</c>, <c>fill</c>, <c>email</c>), and loading the tenant from them.</summary>
/// <param name="withIdentifiers">Whether the command takes pass identifiers (<c>--identifier</c>); <c>email</c> concerns no pass.</param>
internal sealed class TenantRunOptions(bool withIdentifiers = true)
{
    public Argument<DirectoryInfo> TenantDirectory { get; } = CommonOptions.TenantDirectory();

    public Option<string[]> Identifiers { get; } = CommonOptions.Identifiers();

    public Option<string[]> Secrets { get; } = CommonOptions.Secrets();

    public Option<bool> AllowLoopback { get; } = CommonOptions.AllowLoopback();

    public Option<string[]> PrivateNetworks { get; } = CommonOptions.PrivateNetworks();

    public Option<string> Cache { get; } = CommonOptions.Cache();

    public Option<string> Isolation { get; } = CommonOptions.Isolation();

    public void AddOptionsTo(Command command)
    {
        if (withIdentifiers)
        {
            command.Add(Identifiers);
        }

        command.Add(Secrets);
        command.Add(AllowLoopback);
        command.Add(PrivateNetworks);
        command.Add(Cache);
        command.Add(Isolation);
    }

    /// <summary>Loads the tenant named on the command line, printing its diagnostics; <see langword="null"/> with the exit code when it cannot run.</summary>
    public (TenantRun? Run, int ExitCode) Load(ParseResult parse)
    {
        var error = parse.InvocationConfiguration.Error;
        if (!CommonOptions.TryParsePairs(withIdentifiers ? parse.GetValue(Identifiers) : null, "--identifier", error, out var identifiers)
            || !CommonOptions.TryParsePairs(parse.GetValue(Secrets), "--secret", error, out var secrets)
            || !CommonOptions.TryParseNetworks(parse.GetValue(PrivateNetworks), error, out var networks))
        {
            return (null, ExitCodes.Usage);
        }

        var directory = parse.GetValue(TenantDirectory)!;
        IsolationModes.TryParse(parse.GetValue(Isolation), out var isolation);
        ConnectorEngine engine;
        try
        {
            engine = CommonOptions.CreateEngine(directory.Name, secrets, parse.GetValue(AllowLoopback), CommonOptions.CacheDirectory(parse.GetValue(Cache)), isolation, networks);
        }
        catch (InvalidOperationException exception)
        {
            error.WriteLine(exception.Message); // --isolation sandbox on a machine without bubblewrap
            return (null, ExitCodes.Failure);
        }

        if (engine.IsolationWarning is { } warning)
        {
            error.WriteLine($"warning: {warning}");
        }

        var tenant = engine.LoadTenant(directory.FullName);
        CommonOptions.WriteDiagnostics(tenant, directory.ToString(), error);
        var run = new TenantRun(engine, tenant, identifiers);
        if (tenant.HasErrors)
        {
            run.Dispose();
            return (null, ExitCodes.Failure);
        }

        return (run, ExitCodes.Success);
    }

    /// <summary>
    /// Runs one call of the commands that take <c>--data</c> (<c>fill</c>, <c>email</c>): parses the data, loads the tenant,
    /// runs <paramref name="call"/>, writes the tenant log to <paramref name="log"/>, and reports a failure with exit 1.
    /// </summary>
    public async Task<int> RunOnceAsync(
        ParseResult parse,
        Option<string[]> data,
        Func<TenantRun, Dictionary<string, JsonElement>, Task<InvocationResult>> call,
        TextWriter log,
        Action<InvocationResult>? succeeded = null)
    {
        var error = parse.InvocationConfiguration.Error;
        if (!CommonOptions.TryParseJsonPairs(parse.GetValue(data), data.Name, error, out var values))
        {
            return ExitCodes.Usage;
        }

        var (loaded, exitCode) = Load(parse);
        if (loaded is null)
        {
            return exitCode;
        }

        using var _ = loaded;
        var result = await call(loaded, values).ConfigureAwait(false);
        foreach (var line in loaded.Tenant.LoadLog.Concat(result.Log))
        {
            log.WriteLine(line.ToString());
        }

        if (!result.Succeeded)
        {
            error.WriteLine($"{result.Status}: {result.Error}");
            return ExitCodes.Failure;
        }

        succeeded?.Invoke(result);
        return ExitCodes.Success;
    }
}

/// <summary>A tenant loaded for one command, with the pass identifiers given on the command line.</summary>
internal sealed class TenantRun(ConnectorEngine engine, TenantConnectors tenant, Dictionary<string, string> identifiers) : IDisposable
{
    public TenantConnectors Tenant => tenant;

    public Dictionary<string, string> Identifiers => identifiers;

    public void Dispose()
    {
        tenant.Dispose();
        engine.Dispose();
    }
}
