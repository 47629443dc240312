namespace WalletCrew.Plugins.Host.Tests.Support;

/// <summary>One <c>delivered …</c> line the recording hook wrote to the tenant log.</summary>
internal sealed record DeliveredLine(string EventId, string PassId, bool Installed, string Device, int Active, int Total, int Attempt)
{
    public static DeliveredLine? Parse(string message)
    {
        var parts = message.Split(' ');
        return parts is ["delivered", var eventId, var passId, var installed, var device, var active, var total, var attempt]
            ? new DeliveredLine(eventId, passId, bool.Parse(installed), device, int.Parse(active, System.Globalization.CultureInfo.InvariantCulture),
                int.Parse(total, System.Globalization.CultureInfo.InvariantCulture), int.Parse(attempt, System.Globalization.CultureInfo.InvariantCulture))
            : null;
    }
}
