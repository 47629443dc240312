using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using WalletCrew.Plugins.Cli.Tests.Support;
using WalletCrew.Plugins.Engine.Tests.Support;
using static WalletCrew.Plugins.Cli.Tests.Support.MarkProvider;
using static WalletCrew.Plugins.Cli.Tests.Support.ServeProcess;

namespace WalletCrew.Plugins.Cli.Tests.Commands;

/// <summary><c>wcp push</c> against a running <c>wcp serve</c>: stored and live, a dry run that stores nothing, and a 422 printed like <c>wcp check</c>.</summary>
public sealed class PushCommandTests
{
    private const string Key = "push-key-0123456789abcdef";

    [Fact]
    public async Task PushStoresAFolderAsAVersionDryRunStoresNothingAndErrorsArePrintedLikeCheckWithExitOne()
    {
        var work = Path.Combine(Path.GetTempPath(), "wcp-tests", $"push-{Guid.NewGuid():N}");
        var tenants = Directory.CreateDirectory(Path.Combine(work, "tenants")).FullName;
        var url = $"http://127.0.0.1:{FreePort()}";
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var serve = CliRun.RunAsync(stop.Token, "serve", "--tenants", tenants, "--store", "sqlite:" + Path.Combine(work, "wcp.db"), "--api-key", Key, "--urls", url);
        using var http = new HttpClient { BaseAddress = new Uri(url) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key);
        await WaitUntilAsync(async () => (await TryGet(http, "/health")) == HttpStatusCode.OK, serve);
        using var folder = new TenantFolder("acme");
        folder.WriteScript("connector.csx", Provider("v1"));
        File.WriteAllText(Path.Combine(folder.Directory, "tenant.json"), "{}");

        var stored = await CliRun.RunAsync("push", folder.Directory, "--host", url, "--api-key", Key, "--message", "build 17");

        stored.ExitCode.Should().Be(0, stored.Output + stored.Error);
        stored.OutputLines.Should().Equal("acme: version 1 stored and live.");
        (await MarkAsync(http)).Should().Be("v1");

        folder.WriteScript("connector.csx", Provider("v2"));
        var dryRun = await CliRun.RunAsync("push", folder.Directory, "--host", url, "--api-key", Key, "--dry-run");

        dryRun.ExitCode.Should().Be(0, dryRun.Output + dryRun.Error);
        dryRun.OutputLines.Should().Equal("acme: checked without errors; it would be version 2 (dry run: nothing stored).");
        (await MarkAsync(http)).Should().Be("v1", "a dry run stores nothing");

        folder.WriteScript("connector.csx", "object points(string passId) => new { mark = \"v3\" };\n\nvar broken = ;\n");
        var refused = await CliRun.RunAsync("push", folder.Directory, "--host", url, "--api-key", Key);

        refused.ExitCode.Should().Be(1);
        refused.OutputLines[0].Should().StartWith($"{folder.Directory}/server/script/connector.csx(3,14): error CS1525: ");
        refused.OutputLines[^1].Should().MatchRegex(@"^acme: [1-9]\d* error\(s\), \d+ warning\(s\); refused, nothing changed on the host\.$");
        (await MarkAsync(http)).Should().Be("v1", "the refused push changed nothing");
        var versions = JsonNode.Parse(await http.GetStringAsync("/api/tenants/acme/versions"))!.AsArray();
        versions.Should().ContainSingle();
        versions[0]!["message"]!.GetValue<string>().Should().Be("build 17");

        folder.WriteScript("connector.csx", Provider("v2"));
        var pushed = await CliRun.RunAsync("push", folder.Directory, "--host", url, "--api-key", Key);
        var badKey = await CliRun.RunAsync("push", folder.Directory, "--host", url, "--api-key", "wrong-key-0123456789abcdef");

        pushed.OutputLines.Should().Equal("acme: version 2 stored and live.");
        (await MarkAsync(http)).Should().Be("v2");
        badKey.ExitCode.Should().Be(1);
        badKey.Error.Should().StartWith("wcp push: the host answered 401 Unauthorized");

        await stop.CancelAsync();
        (await serve).ExitCode.Should().Be(0);
    }
}
