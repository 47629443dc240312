namespace WalletCrew.Plugins.Host.Delivery;

/// <summary>The delivery defaults in one place.</summary>
internal static class DeliveryDefaults
{
    /// <summary>Svix's retry ladder: after the first attempt, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h.</summary>
    public static readonly IReadOnlyList<TimeSpan> RetrySchedule =
    [
        TimeSpan.FromSeconds(5),
        TimeSpan.FromMinutes(5),
        TimeSpan.FromMinutes(30),
        TimeSpan.FromHours(2),
        TimeSpan.FromHours(5),
        TimeSpan.FromHours(10),
        TimeSpan.FromHours(10),
    ];
}
