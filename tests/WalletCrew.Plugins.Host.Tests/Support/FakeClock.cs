using Microsoft.Extensions.Time.Testing;

namespace WalletCrew.Plugins.Host.Tests.Support;

/// <summary>Moves a <see cref="FakeTimeProvider"/> for the delivery worker, which polls on that clock.</summary>
internal static class FakeClock
{
    /// <summary>Moves the clock to <paramref name="target"/>, then nudges it by a poll interval until the condition holds (bounded).</summary>
    public static async Task AdvanceToAsync(this FakeTimeProvider time, DateTimeOffset target, Func<Task<bool>> until, TimeSpan poll, string because)
    {
        if (target > time.GetUtcNow())
        {
            time.SetUtcNow(target);
        }

        for (var i = 0; i < 400; i++)
        {
            if (await until())
            {
                return;
            }

            // The worker may have created its next poll timer after the jump; each nudge fires it.
            time.Advance(poll);
            await Task.Delay(25);
        }

        throw new TimeoutException($"Gave up waiting until {because}.");
    }

    /// <summary>Moves the clock to <paramref name="target"/> and gives the worker a moment to (wrongly) act.</summary>
    public static async Task JumpAndSettleAsync(this FakeTimeProvider time, DateTimeOffset target)
    {
        time.SetUtcNow(target);
        await Task.Delay(300);
    }
}
