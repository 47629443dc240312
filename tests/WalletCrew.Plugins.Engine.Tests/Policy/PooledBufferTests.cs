using System.Buffers;
using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Engine.Tests.Policy;

/// <summary>
/// A connector cannot hold an array rented from the process-wide <see cref="ArrayPool{T}"/>. The one pooled type the
/// allow-list named, DefaultInterpolatedStringHandler, is a struct over a rented array: a copy kept after
/// ToStringAndClear returned the array reads and writes whatever the host rents it for next, and clearing the copy returns it twice.
/// </summary>
public sealed class PooledBufferTests
{
    private const string Updater = """context.register("runtime.wallet.passUpdater", new { OnPassInstalled = onPassInstalled });""";

    // Loaded before the rule: the type was on the allow-list, and a copy is an ordinary assignment.
    [Theory]
    [InlineData("var h = new System.Runtime.CompilerServices.DefaultInterpolatedStringHandler(0, 0);", "DefaultInterpolatedStringHandler(int, int)")]
    [InlineData("System.Runtime.CompilerServices.DefaultInterpolatedStringHandler h = default; h.AppendLiteral(\"x\");", "AppendLiteral(string)")]
    [InlineData("static string Keep(ref System.Runtime.CompilerServices.DefaultInterpolatedStringHandler h) { var copy = h; return h.ToStringAndClear() + copy.ToStringAndClear(); }", "ToStringAndClear()")]
    [InlineData("static int Peek(ref System.Runtime.CompilerServices.DefaultInterpolatedStringHandler h) => h.Text.Length;", "Text")]
    public void ScriptCannotCallTheInterpolatedStringHandlerItself(string spelling, string member)
    {
        using var harness = new EngineHarness();
        using var tenant = harness.Load($$"""
            {{spelling}}
            void onPassInstalled(string passId) { }
            {{Updater}}
            """);

        tenant.Diagnostics.Should().Contain(d => d.Code == "WCP1001" && d.Message.StartsWith($"'System.Runtime.CompilerServices.DefaultInterpolatedStringHandler.{member}"));
        tenant.PassUpdaterCount.Should().Be(0);
    }

    [Fact]
    public async Task InterpolatedStringsStillWork()
    {
        using var harness = new EngineHarness();
        using var tenant = harness.Load($$"""
            void onPassInstalled(string passId)
            {
                var points = 1234.5m;
                console.log($"{passId}: {points:0.00}", string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{points:N1}"),
                    new System.Text.StringBuilder().Append($"[{passId}]").ToString());
            }
            {{Updater}}
            """);

        tenant.Diagnostics.Should().BeEmpty();
        var result = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);

        result.Status.Should().Be(InvocationStatus.Succeeded, result.Error);
        result.Log.Select(l => l.Message).Should().Equal("P1: 1234.50 1,234.5 [P1]");
    }

    // Negative control: with the type allowed again, a kept copy returns its array twice, and the pool then hands the same
    // array to two renters (the host's next two interpolations on this thread would share one buffer).
    [Fact]
    public async Task WithTheHandlerAllowedAKeptCopyReturnsItsArrayTwice()
    {
        using var harness = new EngineHarness(widenPolicy: allow => allow.Types("System.Runtime.CompilerServices", "DefaultInterpolatedStringHandler"));
        using var tenant = harness.Load($$"""
            void onPassInstalled(string passId)
            {
                var h = new System.Runtime.CompilerServices.DefaultInterpolatedStringHandler(0, 0);
                h.AppendLiteral("0123456789");
                var copy = h;
                h.ToStringAndClear();
                copy.ToStringAndClear();
            }
            {{Updater}}
            """);

        // A synchronous hook runs on the caller's thread, so the pool's per-thread cache is this test's.
        var result = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);
        char[][] rented = [ArrayPool<char>.Shared.Rent(256), ArrayPool<char>.Shared.Rent(256), ArrayPool<char>.Shared.Rent(256)];

        result.Status.Should().Be(InvocationStatus.Succeeded, result.Error);
        rented.Distinct(ReferenceEqualityComparer.Instance).Should().HaveCountLessThan(3, "the script returned one array to the shared pool twice");
    }
}
