using System.Net;
using System.Net.Http.Headers;
using System.Text;
using WalletCrew.Plugins.Cli.Tests.Support;
using WalletCrew.Plugins.Engine.Tests.Support;
using WalletCrew.Plugins.Host.Tests.Support;
using static WalletCrew.Plugins.Cli.Tests.Support.ServeProcess;

namespace WalletCrew.Plugins.Cli.Tests.Commands;

/// <summary>The README's run command: wcp serve on the sample tenants (SQLite, and PostgreSQL), and its curl line producing a hook call.</summary>
public sealed class ServeCommandTests
{
    private const string Key = "test-key-0123456789abcdef";

    [Fact]
    public Task ServeOnTheSamplesDeliversAnIngestedEventToTheMinimalHook() =>
        ServeDeliversAsync("sqlite:" + Path.Combine(Path.GetTempPath(), "wcp-tests", $"serve-{Guid.NewGuid():N}.db"));

    [Fact]
    public async Task ServeOnPostgresDeliversAnIngestedEventToTheMinimalHook()
    {
        await using var database = await PostgresDatabase.CreateAsync();
        await ServeDeliversAsync(database.Store);
    }

    [Theory]
    [InlineData("postgres:Password=hunter2secret", "The PostgreSQL connection string of --store names no Host; add Host=<server>.")]
    [InlineData("postgres:Host=db;Colour=blue;Password=hunter2secret", "The PostgreSQL connection string of --store is not valid")]
    [InlineData("postgres:Host=127.0.0.1;Port=1;Timeout=5;Password=hunter2secret", "The event store could not be opened: Failed to connect to 127.0.0.1:1")]
    [InlineData("mysql:Server=db;Password=hunter2secret", "The store 'mysql:…' is not understood")]
    public async Task ABadStoreIsNamedWithoutEchoingItsPassword(string store, string expected)
    {
        var run = await CliRun.RunAsync("serve", "--tenants", RepositoryPaths.SampleTenants, "--store", store, "--api-key", Key, "--urls", $"http://127.0.0.1:{FreePort()}");

        run.ExitCode.Should().Be(1);
        run.Error.Should().Contain("wcp serve: " + expected);
        (run.Output + run.Error).Should().NotContain("hunter2secret");
    }

    private static async Task ServeDeliversAsync(string store)
    {
        var url = $"http://127.0.0.1:{FreePort()}";
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var serve = CliRun.RunAsync(stop.Token, "serve", "--tenants", RepositoryPaths.SampleTenants, "--store", store, "--api-key", Key, "--urls", url);
        using var http = new HttpClient { BaseAddress = new Uri(url) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key);

        await WaitUntilAsync(async () => (await TryGet(http, "/health")) == HttpStatusCode.OK, serve);
        var ingest = await http.PostAsync(
            "/api/tenants/minimal/passes/P1/installations",
            new StringContent("""{"device":"apple","installed":true,"passType":"loyalty","identifiers":{"customerId":"C42"}}""", Encoding.UTF8, "application/json"));
        string logs = "";
        await WaitUntilAsync(async () => (logs = await http.GetStringAsync("/api/admin/tenants/minimal/logs")).Contains("Pass P1 installed on apple", StringComparison.Ordinal), serve);
        await stop.CancelAsync();
        var run = await serve;

        ingest.StatusCode.Should().Be(HttpStatusCode.Accepted);
        logs.Should().Contain("\"status\":\"delivered\"");
        run.ExitCode.Should().Be(0, run.Error);
    }

    [Fact]
    public async Task ServeWithoutAnApiKeyRefusesToStartAndSaysHowToSetOne()
    {
        var run = await CliRun.RunAsync("serve", "--tenants", RepositoryPaths.SampleTenants, "--store", "sqlite:" + Path.Combine(Path.GetTempPath(), "wcp-tests", $"nokey-{Guid.NewGuid():N}.db"), "--urls", $"http://127.0.0.1:{FreePort()}");

        run.ExitCode.Should().Be(1);
        run.Error.Should().Contain("wcp serve: No API key is configured.");
    }

    [Fact]
    public async Task ServeRefusesAMissingTenantsRoot()
    {
        var run = await CliRun.RunAsync("serve", "--tenants", "/no/such/folder");

        run.ExitCode.Should().Be(2);
        run.Error.Trim().Should().Be("--tenants: '/no/such/folder' does not exist; point it at a folder holding one folder per tenant id.");
    }
}
