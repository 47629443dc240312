using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Engine.Tests.Limits;

/// <summary>The checkpoints change neither what a script does nor where its errors point.</summary>
public sealed class InstrumentationTests
{
    [Fact]
    public async Task EveryFunctionShapeStillWorksWithCheckpoints()
    {
        using var harness = new EngineHarness();
        using var tenant = harness.Load("""
            int Twice(int x) => x * 2;
            void Note(string text) => console.log(text);
            async Task<int> LaterAsync() => await Task.FromResult(3);
            async Task NoteLaterAsync(string text) => await Task.Delay(1);
            Func<int, int> square = x => x * x;
            Action<string> say = text => console.log(text);
            Func<Task<int>> four = async () => await Task.FromResult(4);
            Func<int> fail = () => throw new InvalidOperationException("never");
            var counter = new Counter { Start = 5 };
            async Task onPassInstalled(string passId)
            {
                var total = 0;
                for (var i = 0; i < 3; i++) total += i;
                foreach (var (k, v) in new Dictionary<string, int> { ["a"] = 1 }) total += v;
                var j = 0;
                do j++; while (j < 2);
                while (j < 4) { j++; }
                switch (j) { case 4: total += 100; break; default: break; }
                try { fail(); } catch (InvalidOperationException) { total += 1000; } finally { total += 10000; }
                Note($"{Twice(total)} {await LaterAsync()} {square(3)} {await four()} {counter.Next} {counter[2]} {new Counter() + new Counter()}");
                await NoteLaterAsync("x");
                say("done");
            }
            context.register("runtime.wallet.passUpdater", new { OnPassInstalled = onPassInstalled });
            class Counter
            {
                private int _n;
                public int Start { get => _n; init => _n = value; }
                public int Next => ++_n;
                public int this[int i] => i * 10;
                public List<int> Items = [1, 2];
                public static int operator +(Counter a, Counter b) => a.Items.Count + b.Items.Count;
            }
            """);
        tenant.Diagnostics.Should().BeEmpty();

        var result = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);

        result.Status.Should().Be(InvocationStatus.Succeeded, result.Error);
        result.Log.Select(l => l.Message).Should().Equal("22208 3 9 4 6 20 4", "done");
    }

    [Fact]
    public async Task ErrorInsideAnInstrumentedLoopNamesTheUsersLine()
    {
        using var harness = new EngineHarness();
        using var tenant = harness.Load("""
            int Check(int i) => i < 2 ? i : throw new InvalidOperationException($"bad {i}");
            async Task onPassInstalled(string passId)
            {
                await Task.Yield();
                for (var i = 0; i < 5; i++)
                {
                    Check(i);
                }
            }
            context.register("runtime.wallet.passUpdater", new { OnPassInstalled = onPassInstalled });
            """);

        var result = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);

        result.Error.Should().Be("InvalidOperationException: bad 2 (at server/script/connector.csx:line 1)");
    }

    [Fact]
    public void CompileErrorsKeepTheUsersColumns()
    {
        using var harness = new EngineHarness();
        using var tenant = harness.Load("""
            while (true) { int x = "text"; }
            """);

        tenant.Diagnostics.Select(d => d.ToString()).Should().Equal(
            "server/script/connector.csx(1,24): error CS0029: Cannot implicitly convert type 'string' to 'int'");
    }

    [Fact]
    public async Task RegistrationProblemInsideAFunctionKeepsItsColumn()
    {
        using var harness = new EngineHarness();
        using var tenant = harness.Load("""
            void Setup() { for (var i = 0; i < 1; i++) { context.register("runtime.wallet.passUpdater", new { OnPassInstaled = (string passId) => { } }); } }
            Setup();
            """);

        tenant.Diagnostics.Should().ContainSingle().Which.Column.Should().Be(99);
        await Task.CompletedTask;
    }
}
