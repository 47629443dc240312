namespace WalletCrew.Plugins.Engine.Tests.Limits;

/// <summary>Scripts that spin in a tight loop, each with a host-readable counter (Fill "probe") and a stop flag (Fill "stop") so a test can see whether the loop still runs and end it when checkpoints are off.</summary>
internal static class SpinningScripts
{
    public const string WhileTrue = "while (Spin.Running) { Spin.Step(); }";

    public const string CatchesItsOwnTimeout = "while (Spin.Running) { try { while (Spin.Running) { Spin.Step(); } } catch { } }";

    public const string LoopInFinally = "try { await Task.Yield(); } finally { while (Spin.Running) Spin.Step(); }";

    public static TheoryData<string> All => [WhileTrue, CatchesItsOwnTimeout, LoopInFinally];

    /// <summary>The loop's counter and stop flag, shared by the script and plugin tests. Without checkpoints, the stop flag is the only way out: it ends a negative control's thread.</summary>
    public const string SpinType = """
        public static class Spin
        {
            private static long s_count;
            private static int s_stop;

            public static long Count => Interlocked.Read(ref s_count);

            public static bool Running => Volatile.Read(ref s_stop) == 0;

            public static bool Stop() => Interlocked.Exchange(ref s_stop, 1) == 0;

            public static void Step() => Interlocked.Increment(ref s_count);
        }
        """;

    /// <summary>A tenant whose pass updater runs <paramref name="loop"/>; Fill "probe" returns the loop count, Fill "stop" ends the loop.</summary>
    public static string Tenant(string loop) => $$"""
        async Task onPassInstalled(string passId)
        {
            await Task.Yield();
            {{loop}}
        }
        context.register("runtime.wallet.passUpdater", new { OnPassInstalled = onPassInstalled });
        context.register("runtime.scriptable.customerProvider.probe", new { Fill = (string passId) => new { count = Spin.Count } });
        context.register("runtime.scriptable.customerProvider.stop", new { Fill = (string passId) => new { stopped = Spin.Stop() } });

        {{SpinType}}
        """;
}
