namespace WalletCrew.Plugins;

/// <summary>Registration statistics of a pass, taken when the event was stored.</summary>
public sealed class RegistrationInformation
{
    internal RegistrationInformation(int activeRegistrationCount, int totalRegistrationCount)
    {
        ActiveRegistrationCount = activeRegistrationCount;
        TotalRegistrationCount = totalRegistrationCount;
    }

    /// <summary>Gets the number of devices on which the pass is installed now.</summary>
    public int ActiveRegistrationCount { get; }

    /// <summary>Gets the number of installations of the pass ever recorded.</summary>
    public int TotalRegistrationCount { get; }
}
