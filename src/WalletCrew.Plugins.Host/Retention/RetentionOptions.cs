using System.ComponentModel.DataAnnotations;

namespace WalletCrew.Plugins.Host.Retention;

/// <summary>How long delivered events and tenant logs are kept: section <c>WalletCrew:Retention</c>.</summary>
internal sealed class RetentionOptions
{
    public const string Section = "WalletCrew:Retention";

    /// <summary>Gets or sets whether old data is deleted at all.</summary>
    /// <value>The default is true.</value>
    public bool Enabled { get; set; } = true;

    /// <summary>Gets or sets how long a delivered or skipped event, and a tenant log entry, is kept after it was written.</summary>
    /// <value>The default is 30 days.</value>
    [Range(typeof(TimeSpan), "01:00:00", "3650.00:00:00")]
    public TimeSpan KeepFor { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Gets or sets how often old data is looked for.</summary>
    /// <value>The default is 1 hour.</value>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Gets or sets how many rows one delete takes, so no transaction holds the store for long.</summary>
    /// <value>The default is 1,000.</value>
    [Range(1, 100_000)]
    public int BatchSize { get; set; } = 1000;
}
