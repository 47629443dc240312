using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Engine.Tests.Loading;

/// <summary>
/// Top-level code that registers from many threads at once (after an await, through Task.WhenAll) keeps every
/// registration: the collector's lists were not thread-safe, and runs kept 18,814 or 19,941 of 20,000, silently.
/// </summary>
public sealed class ConcurrentRegistrationTests
{
    [Fact]
    public async Task EveryConcurrentRegistrationIsKept()
    {
        // A lost registration is a race: several loads, so the unguarded collector loses one in nearly every run.
        for (var load = 0; load < 5; load++)
        {
            await LoadAndCountAsync();
        }
    }

    private static async Task LoadAndCountAsync()
    {
        using var harness = new EngineHarness();

        // On the pool, as the host loads: under the test framework's synchronization context the continuations ran one at a time.
        using var tenant = await Task.Run(() => harness.Load("""
            void on(string passId) { }
            await Task.WhenAll(Enumerable.Range(0, 20000).Select(async i =>
            {
                await Task.Yield();
                context.register("runtime.wallet.passUpdater", new { OnPassInstalled = (Action<string>)on });
            }));
            """));

        tenant.Diagnostics.Where(d => d.IsError).Should().BeEmpty();
        tenant.PassUpdaterCount.Should().Be(20000);
    }
}
