using System.ComponentModel.DataAnnotations;

namespace WalletCrew.Plugins.Host.Tenants;

/// <summary>Engine settings the host exposes: section <c>WalletCrew:Engine</c>.</summary>
internal sealed class EngineSettings : IValidatableObject
{
    public const string Section = "WalletCrew:Engine";

    /// <summary>Gets or sets the wall-time limit of one hook or Fill invocation.</summary>
    /// <value>The default is 10 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan InvocationTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets a value indicating whether connectors may call loopback addresses, 127.0.0.0/8 and ::1 (development and tests).</summary>
    /// <value>The default is <see langword="false"/>; <c>--allow-loopback</c> also sets it. It never opens private ranges.</value>
    public bool AllowLoopback { get; set; }

    /// <summary>Gets or sets the private networks (CIDR, such as <c>10.20.0.0/16</c>) connectors may reach, for the host names
    /// their tenant.json <c>egress.allow</c> lists; a private address needs both.</summary>
    /// <value>The default is none: no private address is reachable.</value>
    public List<string> PrivateNetworks { get; set; } = [];

    /// <summary>Gets or sets a value indicating whether saved tenant files are reloaded while the host runs.</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool HotReload { get; set; } = true;

    /// <summary>Gets or sets the compile cache folder, so a restart loads connectors without the compiler; <c>off</c> disables it.</summary>
    /// <value>The default is <c>$WCP_CACHE_DIR</c>, else <c>$XDG_CACHE_HOME/wcp</c>, else <c>~/.cache/wcp</c>: the folder <c>wcp check</c> fills.</value>
    public string? CompileCacheDirectory { get; set; }

    /// <summary>Returns <see cref="PrivateNetworks"/> parsed; call after validation.</summary>
    public IReadOnlyList<System.Net.IPNetwork> ParsedPrivateNetworks() => [.. PrivateNetworks.Select(n => System.Net.IPNetwork.Parse(n.Trim()))];

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        for (var i = 0; i < PrivateNetworks.Count; i++)
        {
            if (!System.Net.IPNetwork.TryParse(PrivateNetworks[i]?.Trim(), out _))
            {
                yield return new ValidationResult(
                    $"{Section}:PrivateNetworks:{i} is '{PrivateNetworks[i]}', not a network in CIDR form such as 10.20.0.0/16 or fd12:3456::/48.",
                    [nameof(PrivateNetworks)]);
            }
        }
    }

    /// <summary>Returns the cache folder to use, or null when disabled.</summary>
    public string? EffectiveCompileCacheDirectory()
    {
        if (string.Equals(CompileCacheDirectory, "off", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        if (!string.IsNullOrWhiteSpace(CompileCacheDirectory))
        {
            return CompileCacheDirectory;
        }

        if (Environment.GetEnvironmentVariable("WCP_CACHE_DIR") is { Length: > 0 } configured)
        {
            return configured;
        }

        var root = Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(root, "wcp");
    }
}
