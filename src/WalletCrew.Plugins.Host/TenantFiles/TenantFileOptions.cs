using System.ComponentModel.DataAnnotations;

namespace WalletCrew.Plugins.Host.TenantFiles;

/// <summary>The tenant files API and how hosts follow the stored versions: section <c>WalletCrew:TenantFiles</c>.</summary>
internal sealed class TenantFileOptions
{
    public const string Section = "WalletCrew:TenantFiles";

    /// <summary>
    /// Gets or sets the host-local folder stored versions are materialised into (<c>&lt;folder&gt;/&lt;tenantId&gt;/&lt;setHash&gt;/&lt;tenantId&gt;/</c>).
    /// Null: beside the SQLite file (<c>&lt;file&gt;.tenants</c>), or <c>wcp-tenant-files</c> in the temp folder with PostgreSQL.
    /// </summary>
    public string? Directory { get; set; }

    /// <summary>Gets or sets how often a host compares its live versions with the store (the fallback when a notification is lost).</summary>
    /// <value>The default is one second.</value>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Gets or sets a value indicating whether hosts on PostgreSQL listen for stored versions (<c>LISTEN/NOTIFY</c>). Turn it
    /// off where the connection cannot listen (a pooler in transaction mode, such as PgBouncer's): hosts then follow the
    /// store by <see cref="PollInterval"/> alone.
    /// </summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool Notifications { get; set; } = true;

    /// <summary>Gets or sets the largest single file (a script, <c>tenant.json</c>, a template, one entry of a plugin package).</summary>
    /// <value>The default is 4 MiB.</value>
    [Range(1, 64 * 1024 * 1024)]
    public int MaxFileBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Gets or sets the largest upload (a plugin package or a whole tenant folder, zipped) and the most its entries may expand to.</summary>
    /// <value>The default is 16 MiB, the host's request body limit.</value>
    [Range(1024, 16 * 1024 * 1024)]
    public int MaxUploadBytes { get; set; } = 16 * 1024 * 1024;

    public Problems.BodyLimit FileLimit => new(MaxFileBytes, $"{Section}:{nameof(MaxFileBytes)}");

    public Problems.BodyLimit UploadLimit => new(MaxUploadBytes, $"{Section}:{nameof(MaxUploadBytes)}");

    /// <summary>Gets or sets the most files one tenant version may hold.</summary>
    /// <value>The default is 2000.</value>
    [Range(1, 100_000)]
    public int MaxFiles { get; set; } = 2000;

    /// <summary>Gets or sets the most bytes all files of one tenant version may hold together. Every change reads the whole
    /// version into memory and every host writes it out, so a tenant growing without end (2,000 files of 4 MiB are 8 GiB)
    /// would end in every host's memory and disk, not only its own.</summary>
    /// <value>The default is 64 MiB.</value>
    [Range(1024, int.MaxValue)]
    public int MaxTenantBytes { get; set; } = 64 * 1024 * 1024;

    /// <summary>
    /// Gets or sets a value indicating whether the tenants folder feeds the store. At start each tenant folder the store has no
    /// version of is stored as its version 1 (checked like any change; a folder with errors is not stored and stays a folder
    /// tenant), and a stored tenant whose folder differs is stored again when its current version was made from this very
    /// folder (else the store wins, with a warning). While the host runs (with <c>WalletCrew:Engine:HotReload</c>), a save in
    /// a stored tenant's folder is checked and stored as its next version. False: folder tenants stay out of the store, and
    /// a stored tenant's folder is never read.
    /// </summary>
    /// <value>The default is <see langword="true"/>; <c>wcp serve --import-tenants false</c> turns it off.</value>
    public bool ImportFolders { get; set; } = true;

    public string EffectiveDirectory(HostSettings host)
    {
        if (Directory is { Length: > 0 } configured)
        {
            return Path.GetFullPath(configured);
        }

        return host.Store.StartsWith("sqlite:", StringComparison.Ordinal)
            ? Path.GetFullPath(host.Store["sqlite:".Length..] + ".tenants")
            : Path.Combine(Path.GetTempPath(), "wcp-tenant-files");
    }
}
