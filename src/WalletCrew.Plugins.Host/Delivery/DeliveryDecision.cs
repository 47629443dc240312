using WalletCrew.Plugins.Host.Store;
using WalletCrew.Plugins.Host.Tenants;

namespace WalletCrew.Plugins.Host.Delivery;

/// <summary>
/// Turns a hook's outcome into the event's next state: delivered, skipped, a retry on the ladder (lengthened, never
/// shortened, by a partner's <c>Retry-After</c> up to <c>MaxRetryAfter</c>), or dead once the ladder is used up. A
/// rejection (the tenant at its concurrency limit, nothing ran) is retried soon and is no attempt at all.
/// </summary>
internal sealed class DeliveryDecision(RetryLadder ladder, TimeSpan maxRetryAfter)
{
    public (DeliveryStatus Status, DateTimeOffset? RetryAt, string Label, bool CountsAsAttempt) Decide(int failuresBefore, HookOutcome outcome, DateTimeOffset now)
    {
        switch (outcome.Status)
        {
            case HookStatus.Succeeded:
                return (DeliveryStatus.Delivered, null, "delivered", true);
            case HookStatus.NotRegistered:
                return (DeliveryStatus.Skipped, null, "skipped", true);
            case HookStatus.Rejected:
                return (DeliveryStatus.Pending, now + ladder.Jitter(Overload.RetryAfter), "rejected", false);
            default:
                var wait = ladder.Next(failuresBefore + 1);
                if (wait is { } delay && outcome.RetryAfter is { } asked)
                {
                    wait = TimeSpan.FromTicks(Math.Max(delay.Ticks, Math.Min(asked.Ticks, maxRetryAfter.Ticks)));
                }

                return wait is { } next ? (DeliveryStatus.Pending, now + next, "retry", true) : (DeliveryStatus.Dead, null, "dead", true);
        }
    }
}
