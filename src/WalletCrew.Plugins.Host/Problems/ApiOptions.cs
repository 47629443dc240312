using System.ComponentModel.DataAnnotations;

namespace WalletCrew.Plugins.Host.Problems;

/// <summary>Limits of the HTTP API: section <c>WalletCrew:Api</c>.</summary>
internal sealed class ApiOptions
{
    public const string Section = "WalletCrew:Api";

    /// <summary>Gets or sets the largest request body accepted; larger ones get 413.</summary>
    /// <value>The default is 256 KiB.</value>
    [Range(1024, 16 * 1024 * 1024)]
    public int MaxRequestBodyBytes { get; set; } = 256 * 1024;

    public BodyLimit BodyLimit => new(MaxRequestBodyBytes, $"{Section}:{nameof(MaxRequestBodyBytes)}");
}
