namespace WalletCrew.Plugins.Engine.Tests.Support;

/// <summary>Steps the sandboxed-worker tests share: a call that must succeed, and a wait for a worker's state to change.</summary>
internal static class SandboxSteps
{
    /// <summary>Invokes the tenant's pass updaters with an installation and expects them to succeed.</summary>
    public static async Task CallAsync(TenantConnectors tenant)
    {
        var result = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);
        result.Status.Should().Be(InvocationStatus.Succeeded, result.Error);
    }

    /// <summary>Polls <paramref name="condition"/> every 50 ms; throws when <paramref name="patience"/> runs out first.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, TimeSpan patience)
    {
        using var timeout = new CancellationTokenSource(patience);
        while (!condition())
        {
            await Task.Delay(50, timeout.Token);
        }
    }
}
