using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using WalletCrew.Plugins.Cli.Tests.Support;
using static WalletCrew.Plugins.Cli.Tests.Support.MarkProvider;
using static WalletCrew.Plugins.Cli.Tests.Support.ServeProcess;

namespace WalletCrew.Plugins.Cli.Tests.Commands;

/// <summary>
/// The README's development loop: <c>wcp serve --tenants</c> on a persistent SQLite file seeds the store from the folder,
/// a save in the folder is served as the next version, and an edit made while the host was stopped (a <c>git pull</c>) is
/// taken at the next start; <c>--import-tenants</c> (older command lines) still starts, and <c>--import-tenants false</c>
/// leaves the folder out of the store.
/// </summary>
public sealed class ServeTenantsFolderTests
{
    private const string Key = "test-key-0123456789abcdef";

    [Fact]
    public async Task TheTenantsFolderSeedsTheStoreAndItsSavesAndPulledEditsAreTheNextVersions()
    {
        var work = Path.Combine(Path.GetTempPath(), "wcp-tests", $"serve-folder-{Guid.NewGuid():N}");
        var script = Path.Combine(work, "tenants", "acme", "server", "script", "connector.csx");
        Directory.CreateDirectory(Path.GetDirectoryName(script)!);
        File.WriteAllText(script, Provider("seeded"));

        await ServeAsync(work, [], async (http, serve) =>
        {
            await WaitForMarkAsync(http, serve, "seeded");
            var seeded = await VersionsAsync(http);
            seeded.Should().ContainSingle();
            seeded[0]!["origin"]!["folder"]!.GetValue<string>().Should().Be(Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(script))));

            File.WriteAllText(script, Provider("saved"));

            await WaitForMarkAsync(http, serve, "saved");
            (await VersionsAsync(http)).Should().HaveCount(2);
        });

        File.WriteAllText(script, Provider("pulled"));
        await ServeAsync(work, ["--import-tenants"], async (http, serve) =>
        {
            await WaitForMarkAsync(http, serve, "pulled");
            (await VersionsAsync(http)).Should().HaveCount(3);
        });

        File.WriteAllText(script, Provider("not imported"));
        await ServeAsync(work, ["--import-tenants", "false"], async (http, serve) =>
        {
            (await MarkAsync(http)).Should().Be("pulled", "with the import off the store serves its version and the folder is not read");
            (await VersionsAsync(http)).Should().HaveCount(3);
        });
    }

    private static async Task ServeAsync(string work, string[] options, Func<HttpClient, Task<CliRun>, Task> run)
    {
        var url = $"http://127.0.0.1:{FreePort()}";
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var serve = CliRun.RunAsync(stop.Token, ["serve", "--tenants", Path.Combine(work, "tenants"), "--store", "sqlite:" + Path.Combine(work, "wcp.db"), "--api-key", Key, "--urls", url, .. options]);
        using var http = new HttpClient { BaseAddress = new Uri(url) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key);
        await WaitUntilAsync(async () => (await TryGet(http, "/health")) == HttpStatusCode.OK, serve);

        await run(http, serve);

        await stop.CancelAsync();
        var exited = await serve;
        exited.ExitCode.Should().Be(0, exited.Error);
    }

    private static Task WaitForMarkAsync(HttpClient http, Task<CliRun> serve, string mark) => WaitUntilAsync(async () => await MarkAsync(http) == mark, serve);

    private static async Task<JsonArray> VersionsAsync(HttpClient http) => JsonNode.Parse(await http.GetStringAsync("/api/tenants/acme/versions"))!.AsArray();
}
