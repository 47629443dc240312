using Microsoft.Extensions.Options;

namespace WalletCrew.Plugins.Host.Delivery;

/// <summary>
/// Checks what annotations cannot: the ladder's steps; reports every problem at once. The lease needs no check against
/// the invocation timeout: the heartbeat renews it while a hook runs.
/// </summary>
internal sealed class DeliveryOptionsValidator : IValidateOptions<DeliveryOptions>
{
    public ValidateOptionsResult Validate(string? name, DeliveryOptions options)
    {
        var failures = new List<string>();
        var schedule = options.EffectiveRetrySchedule;
        for (var i = 0; i < schedule.Count; i++)
        {
            if (schedule[i] < TimeSpan.Zero || schedule[i] > TimeSpan.FromDays(7))
            {
                failures.Add($"{DeliveryOptions.Section}:RetrySchedule:{i} is {schedule[i]}; each wait must be between 00:00:00 and 7.00:00:00.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
