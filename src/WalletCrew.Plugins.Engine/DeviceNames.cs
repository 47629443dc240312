namespace WalletCrew.Plugins.Engine;

/// <summary>The wire names of <see cref="Device"/>: <c>apple</c> and <c>google</c>.</summary>
public static class DeviceNames
{
    /// <summary>Returns the wire name of a device.</summary>
    /// <param name="device">The device.</param>
    /// <returns><c>apple</c> or <c>google</c>.</returns>
    public static string ToWire(Device device) => device switch
    {
        Device.Apple => "apple",
        Device.Google => "google",
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
            case "apple":
                device = Device.Apple;
                return true;
            case "google":
                device = Device.Google;
                return true;
            default:
                device = default;
                return false;
        }
    }
}
