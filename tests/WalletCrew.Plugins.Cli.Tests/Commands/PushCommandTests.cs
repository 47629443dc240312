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

    /// <summary>
    /// The key in <c>$WCP_API_KEY</c> is used but never printed: help and usage errors showed it as the option's default,
    /// which put a CI's secret in its log. Control: the run with a host shows the key was read (the host is unreachable,
    /// not the key missing).
    /// </summary>
    [Fact]
    public async Task TheKeyFromTheEnvironmentIsUsedButNeverPrinted()
    {
        const string Secret = "env-secret-0123456789abcdef";
        using var folder = new TenantFolder();
        folder.WriteScript("hook.csx", "// a tenant file");
        var closed = $"http://127.0.0.1:{FreePort()}";

        var help = await RunWithKeyAsync(Secret, "push", "--help");
        var usage = await RunWithKeyAsync(Secret, "push", folder.Directory);
        var read = await RunWithKeyAsync(Secret, "push", folder.Directory, "--host", closed);

        help.Output.Should().Contain("$WCP_API_KEY").And.NotContain(Secret);
        usage.ExitCode.Should().NotBe(0);
        usage.Output.Should().Contain("--host").And.NotContain(Secret);
        read.Output.Should().Contain($"{closed} could not be reached").And.NotContain("no API key").And.NotContain(Secret);
    }

    /// <summary>
    /// A folder with no tenant file (empty, or the wrong one: <c>acme/server</c>) is refused before anything is sent: pushed,
    /// it became the tenant's next version with every connector gone, and exit 0. Control: the same folder with a script
    /// gets as far as the host.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AFolderWithNoTenantFileIsRefusedBeforeAnythingIsSent(bool withScript)
    {
        using var folder = new TenantFolder("acme");
        if (withScript)
        {
            folder.WriteScript("hook.csx", "// a tenant file");
        }

        var closed = $"http://127.0.0.1:{FreePort()}";
        var run = await CliRun.RunAsync("push", folder.Directory, "--host", closed, "--api-key", Key);
        var wrong = await CliRun.RunAsync("push", Path.Combine(folder.Directory, "server"), "--host", closed, "--api-key", Key);

        run.ExitCode.Should().Be(withScript ? 1 : 2, run.Error);
        run.Error.Should().Contain(withScript ? $"{closed} could not be reached" : $"'{folder.Directory}' holds no tenant.json and no file under server/");
        wrong.ExitCode.Should().Be(2, "a tenant's server folder is not a tenant folder");
    }

    /// <summary>
    /// Links are left out with a warning naming each: one to a file outside sent that file's content (anywhere on the
    /// machine), a broken one or a loop ended the push with a stack trace. A file the host keeps not (a README) is left
    /// out too, as check and serve leave it (the host refused the whole push for it). The script beside them is sent.
    /// </summary>
    [Fact]
    public void LinksAndOtherFilesAreLeftOutOfAPushWithAWarning()
    {
        using var folder = new TenantFolder("acme");
        var hook = folder.WriteScript("hook.csx", "// a tenant file");
        var script = Path.Combine(folder.Directory, Path.GetDirectoryName(hook)!);
        File.CreateSymbolicLink(Path.Combine(script, "passwd.csx"), "/etc/passwd");
        File.CreateSymbolicLink(Path.Combine(script, "broken.csx"), "/nonexistent/broken.csx");
        Directory.CreateSymbolicLink(Path.Combine(script, "up"), "..");
        File.WriteAllText(Path.Combine(folder.Directory, "server", "README.md"), "notes");
        var warnings = new StringWriter();

        var files = WalletCrew.Plugins.Host.TenantFiles.TenantFolders.FilesIn(folder.Directory, skipped => warnings.WriteLine($"wcp push: {skipped}"));

        files.Should().Equal("server/script/hook.csx");
        warnings.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().HaveCount(4)
            .And.Contain(line => line.StartsWith("wcp push: skipped 'server/README.md' is not a tenant file; use tenant.json, server/script/**/*.csx", StringComparison.Ordinal))
            .And.Contain(line => line.StartsWith("wcp push: skipped server/script/passwd.csx: a link (to /etc/passwd)", StringComparison.Ordinal))
            .And.Contain(line => line.StartsWith("wcp push: skipped server/script/broken.csx: a link", StringComparison.Ordinal))
            .And.Contain(line => line.StartsWith("wcp push: skipped server/script/up: a link", StringComparison.Ordinal));
    }

    private static async Task<(int ExitCode, string Output)> RunWithKeyAsync(string key, params string[] args)
    {
        var start = new System.Diagnostics.ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { [WalletCrew.Plugins.Cli.Commands.PushCommand.ApiKeyVariable] = key },
        };
        foreach (var arg in (string[])[Path.Combine(AppContext.BaseDirectory, "wcp.dll"), .. args])
        {
            start.ArgumentList.Add(arg);
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(patience.Token);
        return (process.ExitCode, await output + await error);
    }

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

        // Over the upload limit (16 MiB): the host's answer, naming the setting, not a connection cut off mid-upload.
        using var big = new TenantFolder("big");
        for (var i = 0; i < 5; i++)
        {
            File.WriteAllBytes(Path.Combine(big.Directory, "server", "script", $"part{i}.csx"), System.Security.Cryptography.RandomNumberGenerator.GetBytes(3_500_000));
        }

        var tooLarge = await CliRun.RunAsync("push", big.Directory, "--host", url, "--api-key", Key);

        tooLarge.ExitCode.Should().Be(1);
        tooLarge.Error.Should().StartWith("wcp push: the host answered 413 RequestEntityTooLarge: The body is ").And.Contain("(WalletCrew:TenantFiles:MaxUploadBytes)");

        await stop.CancelAsync();
        (await serve).ExitCode.Should().Be(0);
    }
}
