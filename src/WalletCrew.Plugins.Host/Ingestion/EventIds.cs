namespace WalletCrew.Plugins.Host.Ingestion;

/// <summary>New event ids: <c>evt_</c> and a time-ordered UUID v7, so ids sort by creation time.</summary>
internal static class EventIds
{
    public static string New(DateTimeOffset now) => "evt_" + Guid.CreateVersion7(now).ToString("N");
}
