using System.Text.Json;
using WalletCrew.Plugins.Engine;

namespace WalletCrew.Plugins.Host.Store;

/// <summary>An email request as stored, with its delivery state (the same states and retry fields as an event's).</summary>
/// <param name="IdempotencyKey">The caller's <c>Idempotency-Key</c>, if it sent one: the same key gives back this email.</param>
internal sealed record StoredEmail(
    string EmailId,
    string TenantId,
    string Recipient,
    string EmailTemplate,
    IReadOnlyDictionary<string, JsonElement> Data,
    IReadOnlyList<string> Cultures,
    string? IdempotencyKey,
    DateTimeOffset ReceivedAt,
    DeliveryStatus Status,
    int Attempts,
    int Failures,
    DateTimeOffset NextAttemptAt,
    string? LastError,
    DateTimeOffset? CompletedAt,
    bool IsReplay,
    string? TraceParent = null)
{
    /// <summary>The request the tenant's sender receives: the same <see cref="EmailId"/> on every attempt.</summary>
    public EmailRequest ToRequest() => ConnectorInputs.Email(TenantId, EmailId, Recipient, EmailTemplate, Data, Cultures);
}
