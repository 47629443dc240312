namespace WalletCrew.Plugins.Host.Store;

/// <summary>The stored and wire spelling of <see cref="DeliveryStatus"/>: lowercase words.</summary>
internal static class DeliveryStatusNames
{
    public static string ToName(this DeliveryStatus status) => status switch
    {
        DeliveryStatus.Pending => "pending",
        DeliveryStatus.Delivered => "delivered",
        DeliveryStatus.Dead => "dead",
        DeliveryStatus.Skipped => "skipped",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    public static bool TryParse(string? name, out DeliveryStatus status)
    {
        switch (name)
        {
            case "pending": status = DeliveryStatus.Pending; return true;
            case "delivered": status = DeliveryStatus.Delivered; return true;
            case "dead": status = DeliveryStatus.Dead; return true;
            case "skipped": status = DeliveryStatus.Skipped; return true;
            default: status = default; return false;
        }
    }

    public static DeliveryStatus Parse(string name) =>
        TryParse(name, out var status) ? status : throw new FormatException($"Unknown delivery status '{name}' in the store.");
}
