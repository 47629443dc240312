namespace WalletCrew.Plugins.Host.Console;

/// <summary>Every path of the operator console, in one place.</summary>
internal static class ConsoleRoutes
{
    public const string Root = "/console";
    public const string SignIn = Root + "/sign-in";
    public const string SignOut = Root + "/sign-out";
    public const string Tenants = Root + "/tenants";
    public const string DeviceLogs = Tenants + "/{tenantId}/device-logs";
    public const string Deliveries = Root + "/deliveries";
    public const string Delivery = Deliveries + "/{eventId}";
    public const string ReplayOne = Delivery + "/replay";
    public const string Replay = Root + "/replay";
    public const string Assets = Root + "/assets";
    public const string Stylesheet = Assets + "/console.css";
    public const string Script = Assets + "/console.js";

    public static string DeliveryOf(string eventId) => Deliveries + "/" + Uri.EscapeDataString(eventId);

    public static string ReplayOneOf(string eventId) => DeliveryOf(eventId) + "/replay";

    public static string DeadLetters => Deliveries + "?status=dead";

    public static string DeviceLogsOf(string tenantId) => Tenants + "/" + Uri.EscapeDataString(tenantId) + "/device-logs";

    /// <summary>Whether <paramref name="path"/> may be a return address after sign-in: a console page of this host.</summary>
    public static bool IsLocal(string? path) =>
        path is not null && (path == Root || path.StartsWith(Root + "/", StringComparison.Ordinal) || path.StartsWith(Root + "?", StringComparison.Ordinal))
        && !path.Contains('\\', StringComparison.Ordinal) && !path.Contains("//", StringComparison.Ordinal);
}
