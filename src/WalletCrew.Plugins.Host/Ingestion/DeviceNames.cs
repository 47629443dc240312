namespace WalletCrew.Plugins.Host.Ingestion;

/// <summary>The wire names of <see cref="Device"/>: <c>apple</c> and <c>google</c>.</summary>
internal static class DeviceNames
{
    public static bool TryParse(string name, out Device device)
    {
        switch (name)
        {
            case "apple": device = Device.Apple; return true;
            case "google": device = Device.Google; return true;
            default: device = default; return false;
        }
    }

    public static string ToName(Device device) => device == Device.Apple ? "apple" : "google";
}
