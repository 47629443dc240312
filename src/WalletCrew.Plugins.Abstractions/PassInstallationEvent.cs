namespace WalletCrew.Plugins;

/// <summary>A pass was installed in or removed from a wallet.</summary>
/// <remarks>Only the platform creates events. Every retry of one event carries the same <see cref="EventId"/>.</remarks>
public sealed class PassInstallationEvent
{
    internal PassInstallationEvent(
        string eventId,
        string tenantId,
        string passId,
        string passType,
        IReadOnlyDictionary<string, string> identifiers,
        Device device,
        bool installed,
        AdditionalPassInstallationInformation additionalInformation,
        DateTimeOffset occurredAt,
        int attempt)
    {
        EventId = eventId;
        TenantId = tenantId;
        PassId = passId;
        PassType = passType;
        Identifiers = ReadOnlyCopies.Of(identifiers);
        Device = device;
        Installed = installed;
        AdditionalInformation = additionalInformation;
        OccurredAt = occurredAt;
        Attempt = attempt;
    }

    /// <summary>Gets the event's stable id, the same on every delivery attempt: use it as an idempotency key.</summary>
    public string EventId { get; }

    /// <summary>Gets the tenant the pass belongs to.</summary>
    public string TenantId { get; }

    /// <summary>Gets the pass's unique identifier.</summary>
    public string PassId { get; }

    /// <summary>Gets the pass type (loyalty, gift card, event ticket…).</summary>
    public string PassType { get; }

    /// <summary>Gets the key/value identifiers defined on the pass, such as <c>customerId</c>.</summary>
    public IReadOnlyDictionary<string, string> Identifiers { get; }

    /// <summary>Gets the wallet the pass was installed in or removed from.</summary>
    public Device Device { get; }

    /// <summary>Gets a value indicating whether the pass was installed (<see langword="true"/>) or removed.</summary>
    public bool Installed { get; }

    /// <summary>Gets the registration statistics and source.</summary>
    public AdditionalPassInstallationInformation AdditionalInformation { get; }

    /// <summary>Gets when the platform recorded the change.</summary>
    public DateTimeOffset OccurredAt { get; }

    /// <summary>Gets the delivery attempt, starting at 1.</summary>
    public int Attempt { get; }
}
