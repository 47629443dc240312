namespace WalletCrew.Plugins.Host.Store;

/// <summary>Where a registration came from, as ingested and stored with the event.</summary>
internal sealed record RegistrationSourceData(IReadOnlyList<string> Tags, string? Medium, string? Origin, string? UserAgent);
