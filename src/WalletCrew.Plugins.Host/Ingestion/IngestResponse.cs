namespace WalletCrew.Plugins.Host.Ingestion;

/// <summary>The 202 body: the event id (also on a repeat, the event that made the current state) and whether this call created it.</summary>
internal sealed record IngestResponse(string? EventId, bool Created, int ActiveRegistrationCount, int TotalRegistrationCount);
