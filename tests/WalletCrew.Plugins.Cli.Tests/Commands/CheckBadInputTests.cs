using WalletCrew.Plugins.Cli.Tests.Support;
using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Cli.Tests.Commands;

/// <summary>Each bad input an author can write makes wcp check exit 1 with its diagnostic at the right file, line and column.</summary>
public sealed class CheckBadInputTests
{
    public static TheoryData<string, string, string> Cases => new()
    {
        { "syntax error", "console.log(\"a\")\nconsole.log(\"b\");", "crm.csx(1,17): error CS1002: ; expected" },
        {
            "wrong key",
            "context.register(\"runtime.wallet.passupdater\", new { OnPassInstalled = (string passId) => { } });",
            "crm.csx(1,1): error WCP0101: Unknown registration key 'runtime.wallet.passupdater'. Did you mean 'runtime.wallet.passUpdater'?"
        },
        {
            "unknown member",
            "void installed(string passId) { }\ncontext.register(\"runtime.wallet.passUpdater\", new Hooks\n{\n    [\"OnInstalled\"] = installed,\n});",
            "crm.csx(4,6): error WCP0103: 'OnInstalled' is not a member of 'runtime.wallet.passUpdater'. Did you mean 'OnPassInstalled'?"
        },
        {
            "unbindable parameter",
            "void onPassInstalled(string passId, DateTime passType) { }\ncontext.register(\"runtime.wallet.passUpdater\", new { OnPassInstalled = onPassInstalled });",
            "crm.csx(1,46): error WCP0104: Parameter 'passType' of 'onPassInstalled' is declared as DateTime, but OnPassInstalled passes 'passType' (string) at position 2"
        },
        {
            "JavaScript shape with a typo",
            "async Task onPassInstalled(string passId) { }\ncontext.register(\"runtime.wallet.passUpdater\", new\n{\n    OnPassInstaled = onPassInstalled,\n});",
            "crm.csx(4,5): error WCP0103: 'OnPassInstaled' is not a member of 'runtime.wallet.passUpdater'. Did you mean 'OnPassInstalled'?"
        },
        {
            "forbidden API",
            "var text = System.IO.File.ReadAllText(\"/etc/passwd\");\ncontext.register(\"runtime.wallet.passUpdater\", new { OnPassInstalled = (string passId) => { } });",
            "crm.csx(1,12): error WCP1001: 'System.IO.File.ReadAllText(string)' is not allowed in connectors: file system access is forbidden."
        },
        {
            // A compile bomb: a 1 Gi-character constant folded at compile time. Compiled in wcp's own process, it ended wcp
            // with an unhandled OutOfMemoryException; the compiler process's heap bound turns it into a diagnostic.
            "compile bomb",
            "const string s0 = \"" + new string('a', 64) + "\";\n"
                + string.Concat(Enumerable.Range(1, 24).Select(i => $"const string s{i} = s{i - 1} + s{i - 1};\n"))
                + "var length = s24.Length + s23.Length;",
            "crm.csx: error WCP0505: Compiling this script needed more than 1,024 MiB of memory (limit: CompileMemoryLimitMiB)"
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task BadInputMakesCheckExitOneWithAPositionedDiagnostic(string name, string source, string expected)
    {
        using var folder = new TenantFolder("authoring");
        folder.WriteScript("crm.csx", source);

        var run = await CliRun.RunAsync("check", folder.Directory, "--cache", "off");

        run.ExitCode.Should().Be(1, name);
        run.OutputLines.Should().Contain(line => line.StartsWith($"{folder.Directory}/server/script/{expected}", StringComparison.Ordinal), name + ":\n" + run.Output);
    }
}
