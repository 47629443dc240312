using Microsoft.Extensions.Options;
using WalletCrew.Plugins.Host.Tenants;

namespace WalletCrew.Plugins.Host.Delivery;

/// <summary>Checks what annotations cannot: the ladder's steps and the lease against the invocation timeout; reports every problem at once.</summary>
internal sealed class DeliveryOptionsValidator(IOptions<EngineSettings> engine) : IValidateOptions<DeliveryOptions>
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

        var timeout = engine.Value.InvocationTimeout;
        if (options.LeaseDuration <= timeout)
        {
            failures.Add($"{DeliveryOptions.Section}:LeaseDuration ({options.LeaseDuration}) must exceed {EngineSettings.Section}:InvocationTimeout ({timeout}), or a slow hook's event would be claimed twice.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
