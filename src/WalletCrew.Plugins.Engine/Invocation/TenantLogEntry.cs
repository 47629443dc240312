using Microsoft.Extensions.Logging;

namespace WalletCrew.Plugins.Engine;

/// <summary>One line a connector wrote to the tenant log.</summary>
/// <param name="Level">The level (<c>console.log</c> is Information).</param>
/// <param name="Message">The formatted message, with secret values redacted.</param>
public sealed record TenantLogEntry(LogLevel Level, string Message)
{
    /// <inheritdoc />
    public override string ToString() => Level == LogLevel.Information ? Message : $"{Level}: {Message}";
}
