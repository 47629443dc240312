using System.Text.RegularExpressions;
using WalletCrew.Plugins.Cli.Tests.Support;
using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Cli.Tests.Commands;

/// <summary>
/// <c>wcp edit</c>: what it generates is built by the real SDK (<c>dotnet build</c>, one process per tenant, a few seconds
/// each), as an editor's project system would load it, and the errors that build reports are the editor's diagnostics.
/// </summary>
[Trait("Category", "SdkBuild")]
public sealed partial class EditCommandTests
{
    // The scripts spelled as editors accept them: a Hooks map (local functions and lambdas) and (Delegate) casts,
    // two scripts in one tenant declaring the same local function names.
    private const string HooksScript = """
        async Task onPassInstalled(string passId, string passType, IReadOnlyDictionary<string, string> identifiers, string device)
        {
            console.log($"Pass {passId} installed on {device}");
        }

        context.register("runtime.wallet.passUpdater", new Hooks
        {
            ["OnPassInstalled"] = onPassInstalled,
            ["OnPassUninstalled"] = (string passId) => console.log($"Pass {passId} uninstalled"),
        });

        """;

    private const string CastsScript = """
        async Task<object> fill(string passId) => new Payload(passId);

        void onPassInstalled(string passId) => Log.LogInformation("Pass {PassId} installed", passId);

        context.register("runtime.scriptable.customerProvider.casts", new { Fill = (Delegate)fill });
        context.register("runtime.wallet.passUpdater", new { OnPassInstalled = (Delegate)onPassInstalled });

        record Payload(string Id);

        """;

    [Theory]
    [InlineData("acme-typed")]
    [InlineData("acme-crm", "passInstallation.csx(36,5)", "passInstallation.csx(37,5)")]
    [InlineData("loyalty", "customProvider.csx(33,78)", "customProvider.csx(36,5)", "customProvider.csx(37,5)")]
    [InlineData("loyalty-refit", "refitProvider.csx(15,69)")]
    [InlineData("minimal", "logging.csx(14,5)", "logging.csx(15,5)")]
    public async Task ASampleBuildsInTheEditorProjectWithOnlyTheJavaScriptShapeFlagged(string sample, params string[] jsShapeMembers)
    {
        using var tenant = new TenantFolder(sample).CopySample(sample);

        var edit = await CliRun.RunAsync("edit", tenant.Directory);
        var build = await BuildAsync(tenant.Directory);

        edit.ExitCode.Should().Be(0, edit.Error);
        Errors(build.Output).Should().BeEquivalentTo(
            jsShapeMembers.Select(at => $"server/script/{at}: CS0828"),
            "the literal JavaScript shape is the one thing editors flag; the engine casts its functions to Delegate:\n" + build.Output);
        build.Output.Should().NotContain("warning", "the samples build warning-free in the editor too");
    }

    [Fact]
    public async Task TheHooksAndDelegateSpellingsBuildWithoutErrorsAndPassCheck()
    {
        using var tenant = new TenantFolder("spellings");
        tenant.WriteScript("hooks.csx", HooksScript);
        tenant.WriteScript("nested/casts.csx", CastsScript);

        await CliRun.RunAsync("edit", tenant.Directory);
        var build = await BuildAsync(tenant.Directory);
        var check = await CliRun.RunAsync("check", tenant.Directory, "--cache", "off");

        build.ExitCode.Should().Be(0, build.Output);
        Errors(build.Output).Should().BeEmpty();
        build.Output.Should().Contain("nested.casts.dll").And.Contain("hooks.dll", "each script is a project of its own");
        check.OutputLines.Should().Equal("spellings: 0 error(s), 0 warning(s); 2 pass updater(s), 1 customer provider(s).");
    }

    [Fact]
    public async Task ATypeErrorIsReportedAtTheScriptsOwnFileAndLine()
    {
        using var tenant = new TenantFolder("acme-typed").CopySample("acme-typed");
        var script = Path.Combine(tenant.Directory, "server", "script", "CrmSync.csx");
        var lines = File.ReadAllLines(script).ToList();
        lines.Insert(4, "    int points = \"many\";");    // line 5, column 18: a string where an int goes
        File.WriteAllLines(script, lines);

        await CliRun.RunAsync("edit", tenant.Directory);
        var build = await BuildAsync(tenant.Directory);

        build.ExitCode.Should().NotBe(0);
        Errors(build.Output).Should().Equal("server/script/CrmSync.csx(5,18): CS0029");
        build.Output.Should().Contain($"{script}(5,18): error CS0029: Cannot implicitly convert type 'string' to 'int'");
    }

    [Fact]
    public async Task WithoutTheGeneratedGlobalsTheBuildDoesNotKnowContext()
    {
        using var tenant = new TenantFolder("no-globals");
        tenant.WriteScript("hooks.csx", HooksScript);
        await CliRun.RunAsync("edit", tenant.Directory);
        File.WriteAllText(Path.Combine(tenant.Directory, ".wcp", "globals.cs"), "");

        var build = await BuildAsync(tenant.Directory);

        build.ExitCode.Should().NotBe(0);
        build.Output.Should().Contain("error CS0103: The name 'context' does not exist in the current context");
    }

    [Fact]
    public async Task EditIsIdempotentFollowsTheScriptsAndIgnoresItsFolder()
    {
        using var tenant = new TenantFolder("refresh");
        File.WriteAllText(Path.Combine(tenant.Directory, ".gitignore"), "secrets.json");
        tenant.WriteScript("hooks.csx", HooksScript);
        var first = await CliRun.RunAsync("edit", tenant.Directory);
        var generated = Path.Combine(tenant.Directory, ".wcp");
        var stamps = Stamps(generated);

        var again = await CliRun.RunAsync("edit", tenant.Directory);
        var unchanged = Stamps(generated);
        File.Delete(Path.Combine(tenant.Directory, "server", "script", "hooks.csx"));
        tenant.WriteScript("casts.csx", CastsScript);
        var refreshed = await CliRun.RunAsync("edit", tenant.Directory);

        first.ExitCode.Should().Be(0, first.Error);
        again.Output.Should().Be(first.Output);
        unchanged.Should().Equal(stamps, "an unchanged tenant rewrites nothing, so an open editor does not reload");
        refreshed.OutputLines[0].Should().Be($"Editor projects for 1 script(s): open {Path.Combine(generated, "refresh.slnx")}");
        Directory.Exists(Path.Combine(generated, "hooks")).Should().BeFalse("the project of a deleted script goes");
        File.ReadAllText(Path.Combine(generated, "refresh.slnx")).Should().Be("<Solution>\n  <Project Path=\"casts/casts.csproj\" />\n</Solution>\n");
        File.ReadAllLines(Path.Combine(tenant.Directory, ".gitignore")).Should().Equal(
            "secrets.json", "# Editor projects for the scripts, generated by `wcp edit`.", "/.wcp/");
    }

    [Fact]
    public async Task NewScriptSetsUpTheEditorProject()
    {
        using var tenant = new TenantFolder("fresh");

        var created = await CliRun.RunAsync("new", "script", "crm-sync", "--tenant", tenant.Directory);

        created.ExitCode.Should().Be(0, created.Error);
        created.Output.Should().Contain($"Editor projects for 1 script(s): open {Path.Combine(tenant.Directory, ".wcp", "fresh.slnx")}");
        File.ReadAllText(Path.Combine(tenant.Directory, ".wcp", "crm-sync", "crm-sync.csproj"))
            .Should().Contain($"<Compile Include=\"{Path.Combine("..", "..", "server", "script", "crm-sync.csx")}\" />");
    }

    [Fact]
    public async Task EditRefusesAMissingFolder()
    {
        var missing = Path.Combine(Path.GetTempPath(), "wcp-tests", Guid.NewGuid().ToString("N"));

        var run = await CliRun.RunAsync("edit", missing);

        run.ExitCode.Should().Be(2);
        run.Error.Trim().Should().Be($"{missing} is not a folder: pass the tenant folder holding server/script/.");
    }

    // One real SDK process per tenant, from an empty package source: the generated projects need no feed.
    private static async Task<(int ExitCode, string Output)> BuildAsync(string tenantDirectory)
    {
        var emptyFeed = Path.Combine(Path.GetDirectoryName(tenantDirectory)!, "empty-feed");
        Directory.CreateDirectory(emptyFeed);
        var solution = Path.Combine(tenantDirectory, ".wcp", Path.GetFileName(tenantDirectory) + ".slnx");
        return await DotnetProcess.RunAsync(
            TimeSpan.FromMinutes(3), "build", solution, "-nologo", "-nodeReuse:false", "-p:UseSharedCompilation=false", $"-p:RestoreSources={emptyFeed}");
    }

    // "server/script/x.csx(line,col): CODE" for each distinct error, relative to the tenant folder.
    private static IEnumerable<string> Errors(string output) =>
        ErrorLine().Matches(output)
            .Select(m => $"{m.Groups["file"].Value[(m.Groups["file"].Value.IndexOf("server/script/", StringComparison.Ordinal) is var i and >= 0 ? i : 0)..]}{m.Groups["at"].Value}: {m.Groups["code"].Value}")
            .Distinct();

    private static string[] Stamps(string folder) =>
        [.. Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Select(f => $"{f}@{File.GetLastWriteTimeUtc(f).Ticks}")];

    [GeneratedRegex(@"^\s*(?<file>[^\s(][^(]*?)(?<at>\(\d+,\d+\)): error (?<code>\w+):", RegexOptions.Multiline)]
    private static partial Regex ErrorLine();
}
