using System.Globalization;

namespace WalletCrew.Plugins.Host.Store;

/// <summary>A position in the deliveries listing: the receive time (Unix ms) and event id of a row; its text is <c>ms.eventId</c>.</summary>
internal sealed record DeliveryCursor(long ReceivedAtMs, string EventId)
{
    public static DeliveryCursor Of(StoredEvent e) => new(e.ReceivedAt.ToUnixTimeMilliseconds(), e.EventId);

    public static bool TryParse(string? text, out DeliveryCursor? cursor)
    {
        cursor = null;
        var dot = text?.IndexOf('.', StringComparison.Ordinal) ?? -1;
        if (dot <= 0 || dot == text!.Length - 1 || !long.TryParse(text.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out var ms))
        {
            return false;
        }

        cursor = new DeliveryCursor(ms, text[(dot + 1)..]);
        return true;
    }

    public override string ToString() => ReceivedAtMs.ToString(CultureInfo.InvariantCulture) + "." + EventId;
}
