using System.Net;
using System.Net.Http.Headers;
using WalletCrew.Plugins.Host.Tests.Support;
using Xunit.Abstractions;
using static WalletCrew.Plugins.Host.Tests.Support.TenantFilesClient;

namespace WalletCrew.Plugins.Host.Tests.TenantFiles;

/// <summary>A host killed with SIGKILL during a PUT: the change is either stored and live everywhere, or unanswered with 2xx and absent.</summary>
public sealed class TenantFilesCrashTests(ITestOutputHelper output)
{
    [Fact]
    public async Task AHostKilledDuringAPutLeavesTheChangeEitherStoredAndLiveEverywhereOrUnansweredAndAbsent()
    {
        await using var database = await PostgresDatabase.CreateAsync();
        using var rootB = new TenantsRoot();
        using var rootP = new TenantsRoot();
        string[] processConfiguration = [$"--WalletCrew:TenantFiles:Directory={Path.Combine(rootP.Base, "files")}", $"--WalletCrew:Engine:CompileCacheDirectory={Path.Combine(rootB.Base, "cache")}"];
        await using var b = await HostHarness.StartAsync(rootB, new Dictionary<string, string?> { ["WalletCrew:TenantFiles:Directory"] = Path.Combine(rootB.Base, "files") }, store: database.Store);
        (await PutFileAsync(b.Client, "acme", ScriptPath, MarkProvider("v0"))).Status.Should().Be(HttpStatusCode.Created);

        var outcomes = new List<string>();
        foreach (var (delay, index) in new[] { 0, 300, 1500, -1 }.Select((d, i) => (d, i + 1)))
        {
            var process = await HostProcess.StartAsync(rootP, database.Store, processConfiguration);
            using var client = new HttpClient { BaseAddress = process.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", HostHarness.ApiKey);
            var before = await CurrentMarkAsync(b);
            await HostHarness.WaitUntilAsync(async () => await MarkAsync(client, "acme") == before, TimeSpan.FromSeconds(10), $"the started host serves the current version ({before})");

            var put = PutFileAsync(client, "acme", ScriptPath, MarkProvider($"k{index}"));
            // -1: kill right after the answer (the stored case), with the other host not yet told by the killed one.
            await (delay < 0 ? Task.WhenAny(put, Task.Delay(TimeSpan.FromSeconds(30))) : Task.Delay(delay));
            process.Kill();
            process.Dispose();
            HttpStatusCode? answered;
            try
            {
                answered = (await put).Status;
            }
            catch (HttpRequestException)
            {
                answered = null;
            }

            var current = await CurrentMarkAsync(b);
            var stored = current == $"k{index}";
            outcomes.Add($"kill after {delay} ms: answered {answered?.ToString() ?? "nothing"}, stored {stored}");
            if (answered is { } status && (int)status is >= 200 and < 300)
            {
                stored.Should().BeTrue("a 2xx means the version is stored");
            }

            if (!stored)
            {
                current.Should().Be(before, "a change that was not stored leaves the tenant as it was");
            }

            await HostHarness.WaitUntilAsync(async () => await MarkAsync(b.Client, "acme") == current, TimeSpan.FromSeconds(2), $"the other host serves the stored version ({current})");
        }

        output.WriteLine(string.Join(Environment.NewLine, outcomes));
        outcomes.Should().Contain(o => o.EndsWith("stored True", StringComparison.Ordinal), "the last kill comes after the answer, so both cases are seen");

        // The restarted host loads the newest stored version at start.
        using var restarted = await HostProcess.StartAsync(rootP, database.Store, processConfiguration);
        using var last = new HttpClient { BaseAddress = restarted.BaseAddress };
        last.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", HostHarness.ApiKey);
        (await MarkAsync(last, "acme")).Should().Be(await CurrentMarkAsync(b));
    }

    private static async Task<string> CurrentMarkAsync(HostHarness host) =>
        (await host.Client.GetStringAsync($"api/tenants/acme/files/{ScriptPath}")).Split('"')[1];
}
