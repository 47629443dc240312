namespace WcpPlugin1;

/// <summary>Runs when a pass is installed in or removed from Apple or Google Wallet; throw to fail, the host retries.</summary>
public sealed class InstallationLogger(IConnectorContext context) : IPassUpdater
{
    /// <inheritdoc />
    public Task OnPassInstalledAsync(PassInstallationEvent e, CancellationToken cancellationToken)
    {
        context.Log.LogInformation("Pass {PassId} installed on {Device}", e.PassId, DeviceName(e.Device));
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task OnPassUninstalledAsync(PassInstallationEvent e, CancellationToken cancellationToken)
    {
        context.Log.LogInformation("Pass {PassId} uninstalled from {Device}", e.PassId, DeviceName(e.Device));
        return Task.CompletedTask;
    }

    private static string DeviceName(Device device) => device == Device.Apple ? "apple" : "google";
}
