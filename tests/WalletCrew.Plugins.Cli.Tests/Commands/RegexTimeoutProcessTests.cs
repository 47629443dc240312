using System.Diagnostics;
using WalletCrew.Plugins.Cli.Tests.Support;
using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Cli.Tests.Commands;

/// <summary>
/// A catastrophic regular expression in a hook ends with <c>RegexMatchTimeoutException</c> after the engine's 1 s match
/// timeout, however it is built or called. A real <c>wcp</c> process: the runtime reads the default timeout once, at the
/// process's first Regex, and this test process used one long before (xUnit's discovery). Before the engine set it, these
/// hooks spun for hours; the synchronous ones never returned, so <c>wcp</c> hung until the test killed it.
/// </summary>
public sealed class RegexTimeoutProcessTests
{
    private const string Input = "new string('a', 64) + \"!\"";

    [Fact]
    public async Task EverySpellingOfACatastrophicRegexTimesOutAndAnOrdinaryOneStillMatches()
    {
        using var folder = Tenant($$"""
            Task onPassInstalled(string passId)
            {
                var input = {{Input}};
                var spellings = new (string Name, Func<object> Run)[]
                {
                    ("static IsMatch", () => Regex.IsMatch(input, "^(a+)+$")),
                    ("instance IsMatch", () => new Regex("^(a+)+$", RegexOptions.IgnoreCase).IsMatch(input)),
                    ("Matches", () => Regex.Matches(input, "^(a|aa)+$").Count),
                    ("Replace", () => Regex.Replace(input, "^(\\w+\\s?)*$", "x")),
                };
                foreach (var (name, run) in spellings)
                {
                    try
                    {
                        Log.LogInformation("{Name}: returned {Value}", name, run());
                    }
                    catch (RegexMatchTimeoutException)
                    {
                        Log.LogInformation("{Name}: timed out", name);
                    }
                }

                Log.LogInformation("ordinary: {Matched}", Regex.IsMatch("12345", "^[0-9]+$"));
                return Task.CompletedTask;
            }

            context.register("runtime.wallet.passUpdater", new { OnPassInstalled = onPassInstalled });
            """);

        var (exitCode, output) = await Invoke(folder, "installed");

        exitCode.Should().Be(0, output);
        output.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).Should().Equal(
            "static IsMatch: timed out", "instance IsMatch: timed out", "Matches: timed out", "Replace: timed out", "ordinary: True");
    }

    [Fact]
    public async Task AnUncaughtTimeoutIsACleanFailureWithinSeconds()
    {
        using var folder = Tenant($$"""
            Task onPassUninstalled(string passId)
            {
                _ = new Regex("^(a+)+$").IsMatch({{Input}});
                return Task.CompletedTask;
            }

            context.register("runtime.wallet.passUpdater", new { OnPassUninstalled = onPassUninstalled });
            """);
        var clock = Stopwatch.StartNew();

        var (exitCode, output) = await Invoke(folder, "uninstalled");

        exitCode.Should().Be(1, output);
        output.Should().Contain("Failed: RegexMatchTimeoutException: ");
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(40), "start-up and compile included; without the timeout it never ends");
    }

    private static TenantFolder Tenant(string hooks)
    {
        var folder = new TenantFolder("regex");
        folder.WriteScript("crm.csx", $$"""
            using System.Text.RegularExpressions;

            {{hooks}}
            """);
        return folder;
    }

    private static Task<(int ExitCode, string Output)> Invoke(TenantFolder folder, string hook) => DotnetProcess.RunAsync(
        TimeSpan.FromSeconds(90),
        Path.Combine(AppContext.BaseDirectory, "wcp.dll"), "invoke", folder.Directory, hook,
        "--pass-id", "P1", "--pass-type", "loyalty", "--device", "apple", "--cache", "off");
}
