using System.Diagnostics;
using Npgsql;
using WalletCrew.Plugins.Benchmarks.Support;

namespace WalletCrew.Plugins.Benchmarks.Host;

/// <summary>
/// A fresh database for one run (<c>wcp_bench_&lt;random&gt;</c>), dropped on dispose. The server is the one named by
/// <c>--postgres</c> or <see cref="ServerVariable"/>; when neither is set, a throwaway server that <c>eng/postgres.sh</c> starts
/// in a temp folder and stops on dispose.
/// </summary>
internal sealed class PostgresBenchDatabase : IAsyncDisposable
{
    public const string ServerVariable = "WCP_BENCH_POSTGRES";

    private readonly string? throwawayFolder;

    private PostgresBenchDatabase(string server, string? throwawayFolder, string name, string version)
    {
        Server = server;
        this.throwawayFolder = throwawayFolder;
        Name = name;
        Version = version;
        ConnectionString = new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
    }

    /// <summary>Gets the connection string of the server's maintenance database (the one given or started).</summary>
    public string Server { get; }

    public string Name { get; }

    /// <summary>Gets the connection string of this run's database.</summary>
    public string ConnectionString { get; }

    /// <summary>Gets a description for the summary line, such as <c>PostgreSQL 15.18, throwaway server</c>.</summary>
    public string Description => $"PostgreSQL {Version}, {(throwawayFolder is null ? "given server" : "throwaway server (eng/postgres.sh)")}";

    private string Version { get; }

    public static async Task<PostgresBenchDatabase> CreateAsync(string? server)
    {
        server ??= Environment.GetEnvironmentVariable(ServerVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment : null;
        string? folder = null;
        if (server is null)
        {
            folder = Directory.CreateTempSubdirectory("wcp-bench-pg-").FullName;
            server = (await RunScriptAsync("start", folder).ConfigureAwait(false)).Trim();
        }

        var name = "wcp_bench_" + Guid.NewGuid().ToString("N")[..12];
        try
        {
            await using var connection = new NpgsqlConnection(server);
            await connection.OpenAsync().ConfigureAwait(false);
            await using (var create = new NpgsqlCommand($"CREATE DATABASE {name};", connection))
            {
                await create.ExecuteNonQueryAsync().ConfigureAwait(false);
            }

            await using var version = new NpgsqlCommand("SHOW server_version;", connection);
            var text = (string)(await version.ExecuteScalarAsync().ConfigureAwait(false))!;
            return new PostgresBenchDatabase(server, folder, name, text.Split(' ')[0]);
        }
        catch when (folder is not null)
        {
            await StopAsync(folder).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Set to <c>1</c> to keep the run's database (on a given server) for inspection, e.g. its plans and table bloat.</summary>
    public const string KeepVariable = "WCP_BENCH_KEEP_DATABASE";

    public async ValueTask DisposeAsync()
    {
        try
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(Server);
            await connection.OpenAsync().ConfigureAwait(false);
            if (Environment.GetEnvironmentVariable(KeepVariable) == "1")
            {
                Console.WriteLine($"{KeepVariable}=1: database {Name} kept for inspection (drop it when done)");
                return;
            }

            // FORCE: the hosts' own connection pools may still hold connections to it.
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Name} WITH (FORCE);", connection);
            await drop.ExecuteNonQueryAsync().ConfigureAwait(false);
        }
        finally
        {
            if (throwawayFolder is not null)
            {
                NpgsqlConnection.ClearAllPools();
                await StopAsync(throwawayFolder).ConfigureAwait(false);
            }
        }
    }

    private static async Task StopAsync(string folder)
    {
        await RunScriptAsync("stop", folder).ConfigureAwait(false);
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless; never fail a benchmark run over it.
        }
    }

    /// <summary>Runs <c>bash eng/postgres.sh &lt;verb&gt; &lt;folder&gt;</c> and returns what it printed.</summary>
    private static async Task<string> RunScriptAsync(string verb, string folder)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepositoryPaths.Root };
        start.ArgumentList.Add(Path.Combine(RepositoryPaths.Root, "eng", "postgres.sh"));
        start.ArgumentList.Add(verb);
        start.ArgumentList.Add(folder);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start bash to run eng/postgres.sh.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var patience = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(patience.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"eng/postgres.sh {verb} {folder} did not finish within 2 minutes; see {folder}/server.log.");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"eng/postgres.sh {verb} failed (exit {process.ExitCode}): {(await error.ConfigureAwait(false)).Trim()} " +
                $"Set {ServerVariable} or pass --postgres \"<connection string>\" to use a running server instead.");
        }

        return await output.ConfigureAwait(false);
    }
}
