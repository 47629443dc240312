namespace WalletCrew.Plugins.Host.Emails;

/// <summary>New email ids: <c>eml_</c> and a time-ordered UUID v7, so ids sort by creation time (as event ids do).</summary>
internal static class EmailIds
{
    public static string New(DateTimeOffset now) => "eml_" + Guid.CreateVersion7(now).ToString("N");
}
