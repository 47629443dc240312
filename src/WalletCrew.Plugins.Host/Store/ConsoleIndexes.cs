namespace WalletCrew.Plugins.Host.Store;

/// <summary>
/// The indexes the console's reads need beyond the delivery path's: deliveries newest first without a tenant or status
/// filter, and one event's attempts in the tenant log. Created on every start (<c>IF NOT EXISTS</c>).
/// </summary>
internal static class ConsoleIndexes
{
    public const string Sqlite = """
        CREATE INDEX IF NOT EXISTS events_received ON events(received_at);
        CREATE INDEX IF NOT EXISTS tenant_logs_event ON tenant_logs(event_id) WHERE event_id IS NOT NULL;
        """;

    public const string Postgres = """
        CREATE INDEX IF NOT EXISTS wcp_events_received ON wcp_events(received_at);
        CREATE INDEX IF NOT EXISTS wcp_tenant_logs_event ON wcp_tenant_logs(event_id) WHERE event_id IS NOT NULL;
        """;
}
