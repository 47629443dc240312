namespace WalletCrew.Plugins.Host.Store;

/// <summary>How one leased delivery ended, written back by the lease owner.</summary>
/// <param name="EventId">The event, or the email (<see cref="IEmailStore"/>).</param>
/// <param name="Owner">The lease owner; the write is ignored when the lease has moved on.</param>
/// <param name="Status">The new status: <see cref="DeliveryStatus.Pending"/> for a retry or a deferral.</param>
/// <param name="At">When the attempt ended.</param>
/// <param name="RetryAt">When a pending event is due again.</param>
/// <param name="Error">The failure, if any.</param>
/// <param name="CountsAsAttempt">False when the connectors were not called (circuit open, shutdown).</param>
/// <param name="Log">The invocation's tenant log entry, stored in the same transaction.</param>
internal sealed record DeliveryOutcome(
    string EventId,
    string Owner,
    DeliveryStatus Status,
    DateTimeOffset At,
    DateTimeOffset? RetryAt,
    string? Error,
    bool CountsAsAttempt,
    TenantLogRecord? Log);
