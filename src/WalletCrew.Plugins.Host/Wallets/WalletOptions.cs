using System.ComponentModel.DataAnnotations;

namespace WalletCrew.Plugins.Host.Wallets;

/// <summary>Limits of the pass registry and the wallet routes: section <c>WalletCrew:Wallets</c>.</summary>
internal sealed class WalletOptions
{
    public const string Section = "WalletCrew:Wallets";

    /// <summary>Gets or sets the largest pass registry request (its <c>.pkpass</c> is base64 inside it); larger ones get 413.</summary>
    /// <value>The default is 8 MiB.</value>
    [Range(1024, 16 * 1024 * 1024)]
    public int MaxPassRequestBytes { get; set; } = 8 * 1024 * 1024;

    public Problems.BodyLimit PassRequestLimit => new(MaxPassRequestBytes, $"{Section}:{nameof(MaxPassRequestBytes)}");

    /// <summary>Gets or sets how many <c>/v1/log</c> requests one tenant's devices may post per minute; more get 429.</summary>
    /// <value>The default is 60.</value>
    [Range(1, 100_000)]
    public int LogRequestsPerMinute { get; set; } = 60;

    /// <summary>Gets or sets how many messages one <c>/v1/log</c> request may carry; more get 400.</summary>
    /// <value>The default is 100.</value>
    [Range(1, 10_000)]
    public int MaxLogMessages { get; set; } = 100;

    /// <summary>Gets or sets the longest device log message kept; longer ones are cut to it.</summary>
    /// <value>The default is 2048 characters.</value>
    [Range(64, 65_536)]
    public int MaxLogMessageLength { get; set; } = 2048;

    /// <summary>Gets or sets how many Apple devices may be registered for one pass at once; a device registering past it gets
    /// 403 and no event. The pass's token is in every copy of the pass, so without a bound whoever holds one copy could
    /// register devices without end, each one an installation event for the tenant's hooks. A pass shared by many people
    /// under one serial number needs a higher bound.</summary>
    /// <value>The default is 100.</value>
    [Range(1, 10_000_000)]
    public int MaxDevicesPerPass { get; set; } = 100;

    /// <summary>Gets or sets how many device log messages are kept per tenant; each post deletes the oldest past it. The
    /// route needs no credential (Apple's devices call it), so without a bound anyone could fill the store at the rate limit
    /// (~12 MB a minute per tenant at the defaults) for the whole retention period.</summary>
    /// <value>The default is 10,000.</value>
    [Range(100, 10_000_000)]
    public int KeptLogMessages { get; set; } = 10_000;
}
