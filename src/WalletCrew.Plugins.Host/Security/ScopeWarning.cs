using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace WalletCrew.Plugins.Host.Security;

/// <summary>At start, warns once per key configured without scopes: it still opens ingest, Fill and the whole admin API.</summary>
internal sealed partial class ScopeWarning(IOptions<ApiKeyOptions> options, ILogger<ScopeWarning> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var entry in options.Value.Keys.Where(k => k.IsPlain))
        {
            var scoped = entry.Path == ApiKeyOptions.Section ? ApiKeyOptions.Section + ":0" : entry.Path;
            LogUnscopedKey(logger, entry.Path, scoped);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Setting} has no scopes, so it is accepted as 'platform' and 'admin' (ingest, Fill and the whole admin API). "
        + "Give each caller a key with only the scopes it needs: set {Scoped}:Key to the key and {Scoped}:Scopes:0 to platform, admin, tenant:{{tenantId}} or tenant-files:{{tenantId}} (docs/operations.md, \"Keys and scopes\").")]
    private static partial void LogUnscopedKey(ILogger logger, string setting, string scoped);
}
