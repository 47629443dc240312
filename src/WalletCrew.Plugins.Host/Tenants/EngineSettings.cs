using System.ComponentModel.DataAnnotations;

namespace WalletCrew.Plugins.Host.Tenants;

/// <summary>Engine settings the host exposes: section <c>WalletCrew:Engine</c>.</summary>
internal sealed class EngineSettings
{
    public const string Section = "WalletCrew:Engine";

    /// <summary>Gets or sets the wall-time limit of one hook or Fill invocation.</summary>
    /// <value>The default is 10 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan InvocationTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets a value indicating whether connectors may call loopback and private addresses (development and tests).</summary>
    /// <value>The default is <see langword="false"/>; <c>--allow-loopback</c> also sets it.</value>
    public bool AllowLoopback { get; set; }

    /// <summary>Gets or sets a value indicating whether saved tenant files are reloaded while the host runs.</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool HotReload { get; set; } = true;
}
