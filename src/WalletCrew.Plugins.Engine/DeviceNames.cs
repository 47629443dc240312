namespace WalletCrew.Plugins.Engine;

/// <summary>The wire names of <see cref="Device"/>: <c>apple</c> and <c>google</c>, as the API, the CLI, the stores and JavaScript-style hooks spell them.</summary>
public static class DeviceNames
{
    /// <summary>The wire name of <see cref="Device.Apple"/>.</summary>
    public const string Apple = "apple";

    /// <summary>The wire name of <see cref="Device.Google"/>.</summary>
    public const string Google = "google";

    /// <summary>Returns the wire name of a device.</summary>
    /// <param name="device">The device.</param>
    /// <returns><c>apple</c> or <c>google</c>.</returns>
    public static string ToWire(Device device) => device switch
    {
        Device.Apple => Apple,
        Device.Google => Google,
        _ => throw new ArgumentOutOfRangeException(nameof(device), device, "Unknown device."),
    };

    /// <summary>Parses a wire name, case-insensitively.</summary>
    /// <param name="text">The text to parse.</param>
    /// <param name="device">The device, when the text names one.</param>
    /// <returns><see langword="true"/> when the text is <c>apple</c> or <c>google</c>.</returns>
    public static bool TryParse(string? text, out Device device)
    {
        switch (text?.ToLowerInvariant())
        {
            case Apple:
                device = Device.Apple;
                return true;
            case Google:
                device = Device.Google;
                return true;
            default:
                device = default;
                return false;
        }
    }
}
