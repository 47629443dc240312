using System.Data.Common;
using System.Text.Json;
using WalletCrew.Plugins.Engine;

namespace WalletCrew.Plugins.Host.Store;

/// <summary>Maps store rows and values to the store's records; shared by the SQLite and PostgreSQL stores.</summary>
internal static class StoreRows
{
    public static long ToMs(DateTimeOffset value) => value.ToUnixTimeMilliseconds();

    public static DateTimeOffset FromMs(long value) => DateTimeOffset.FromUnixTimeMilliseconds(value);

    // The stores write only DeviceNames.ToWire's names. A row edited by hand to something else reads as Google rather than
    // throwing: an exception here would fail every claim that leases the row, and so every tenant's deliveries with it.
    public static Device ParseDevice(string name) => DeviceNames.TryParse(name, out var device) ? device : Device.Google;

    /// <summary>
    /// The columns <see cref="ReadEvent"/> reads, in its order: every query whose rows it maps selects these, so a row is
    /// read by position (a name's lookup made each reader build a table of its columns' names, once per leased event).
    /// </summary>
    public const string EventColumns = """
        event_id, tenant_id, pass_id, seq, pass_type, device, device_id, installed, identifiers, source, active_count,
        total_count, occurred_at, received_at, status, attempts, failures, next_attempt_at, last_error, completed_at,
        is_replay, trace_parent
        """;

    /// <summary>Reads a row of <see cref="EventColumns"/>.</summary>
    public static StoredEvent ReadEvent(DbDataReader r)
    {
        var source = r.IsDBNull(9) ? null : JsonSerializer.Deserialize<RegistrationSourceData>(r.GetString(9), StoreJson.Options);
        return new StoredEvent(
            EventId: r.GetString(0),
            TenantId: r.GetString(1),
            PassId: r.GetString(2),
            Seq: r.GetInt64(3),
            PassType: r.GetString(4),
            Device: ParseDevice(r.GetString(5)),
            DeviceId: r.GetString(6),
            Installed: ReadFlag(r, 7),
            Identifiers: JsonSerializer.Deserialize<Dictionary<string, string>>(r.GetString(8), StoreJson.Options) ?? [],
            Source: source,
            ActiveRegistrationCount: r.GetInt32(10),
            TotalRegistrationCount: r.GetInt32(11),
            OccurredAt: FromMs(r.GetInt64(12)),
            ReceivedAt: FromMs(r.GetInt64(13)),
            Status: DeliveryStatusNames.Parse(r.GetString(14)),
            Attempts: r.GetInt32(15),
            Failures: r.GetInt32(16),
            NextAttemptAt: FromMs(r.GetInt64(17)),
            LastError: r.IsDBNull(18) ? null : r.GetString(18),
            CompletedAt: r.IsDBNull(19) ? null : FromMs(r.GetInt64(19)),
            IsReplay: ReadFlag(r, 20),
            TraceParent: r.IsDBNull(21) ? null : r.GetString(21));
    }

    public static StoredEmail ReadEmail(DbDataReader r) => new(
        EmailId: Text(r, "email_id"),
        TenantId: Text(r, "tenant_id"),
        Recipient: Text(r, "recipient"),
        EmailTemplate: Text(r, "email_template"),
        Data: JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(Text(r, "data"), StoreJson.Options) ?? [],
        Cultures: JsonSerializer.Deserialize<List<string>>(Text(r, "cultures"), StoreJson.Options) ?? [],
        IdempotencyKey: OptionalText(r, "idempotency_key"),
        ReceivedAt: Time(r, "received_at"),
        Status: DeliveryStatusNames.Parse(Text(r, "status")),
        Attempts: r.GetInt32(r.GetOrdinal("attempts")),
        Failures: r.GetInt32(r.GetOrdinal("failures")),
        NextAttemptAt: Time(r, "next_attempt_at"),
        LastError: OptionalText(r, "last_error"),
        CompletedAt: OptionalTime(r, "completed_at"),
        IsReplay: ReadFlag(r, "is_replay"),
        TraceParent: OptionalText(r, "trace_parent"));

    /// <summary>The parameters of <see cref="EmailSql.Insert"/> for <paramref name="email"/>.</summary>
    public static (string Name, object? Value)[] EmailParameters(StoredEmail email) =>
    [
        ("id", email.EmailId), ("t", email.TenantId), ("r", email.Recipient), ("tpl", email.EmailTemplate),
        ("data", JsonSerializer.Serialize(email.Data, StoreJson.Options)), ("cultures", JsonSerializer.Serialize(email.Cultures, StoreJson.Options)),
        ("key", email.IdempotencyKey), ("now", ToMs(email.ReceivedAt)), ("tp", email.TraceParent),
    ];

    /// <summary>The email holding the key was pruned between the insert and the read: the route answers 503 and the caller's retry stores it.</summary>
    public static InvalidOperationException EmailKeyGone(StoredEmail email) =>
        new($"The email of tenant '{email.TenantId}' with idempotency key '{email.IdempotencyKey}' was deleted while this request read it; retry.");

    /// <summary>The parameters of <see cref="EmailSql.Complete"/> (and of the events' completion): how a leased attempt ended.</summary>
    public static (string Name, object? Value)[] OutcomeParameters(DeliveryOutcome o)
    {
        var failed = o.CountsAsAttempt && o.Status is DeliveryStatus.Pending or DeliveryStatus.Dead;
        return
        [
            ("s", o.Status.ToName()), ("inc", o.CountsAsAttempt ? 1 : 0), ("finc", failed ? 1 : 0),
            ("next", o.RetryAt is { } next ? ToMs(next) : null), ("err", o.Error),
            ("done", o.Status == DeliveryStatus.Pending ? null : ToMs(o.At)), ("e", o.EventId), ("owner", o.Owner),
        ];
    }

    public static TenantLogRecord ReadLog(DbDataReader r) => new(
        TenantId: Text(r, "tenant_id"),
        At: Time(r, "at"),
        Kind: Text(r, "kind"),
        EventId: OptionalText(r, "event_id"),
        Attempt: r.IsDBNull(r.GetOrdinal("attempt")) ? null : r.GetInt32(r.GetOrdinal("attempt")),
        Status: Text(r, "status"),
        DurationMs: r.GetInt64(r.GetOrdinal("duration_ms")),
        Error: OptionalText(r, "error"),
        Entries: JsonSerializer.Deserialize<List<TenantLogLine>>(Text(r, "entries"), StoreJson.Options) ?? [],
        TenantVersion: r.IsDBNull(r.GetOrdinal("tenant_version")) ? null : r.GetInt64(r.GetOrdinal("tenant_version")));

    /// <summary>Maps a row of the queue-statistics query: tenant, pending count, dead count, oldest pending receipt.</summary>
    public static TenantQueueStats ReadQueueStats(DbDataReader r) =>
        new(r.GetString(0), r.GetInt64(1), r.GetInt64(2), r.IsDBNull(3) ? null : FromMs(r.GetInt64(3)));

    /// <summary>Runs <paramref name="command"/> and maps every row with <paramref name="map"/>.</summary>
    public static async Task<IReadOnlyList<T>> ReadAllAsync<T>(DbCommand command, Func<DbDataReader, T> map, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await ReadAllAsync(reader, map, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Maps every row left in the reader's current result with <paramref name="map"/>.</summary>
    public static async Task<IReadOnlyList<T>> ReadAllAsync<T>(DbDataReader reader, Func<DbDataReader, T> map, CancellationToken cancellationToken)
    {
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(map(reader));
        }

        return rows;
    }

    public static string? OptionalText(DbDataReader r, string column)
    {
        var ordinal = r.GetOrdinal(column);
        return r.IsDBNull(ordinal) ? null : r.GetString(ordinal);
    }

    private static string Text(DbDataReader r, string column) => r.GetString(r.GetOrdinal(column));

    private static DateTimeOffset Time(DbDataReader r, string column) => FromMs(r.GetInt64(r.GetOrdinal(column)));

    private static DateTimeOffset? OptionalTime(DbDataReader r, string column)
    {
        var ordinal = r.GetOrdinal(column);
        return r.IsDBNull(ordinal) ? null : FromMs(r.GetInt64(ordinal));
    }

    // SQLite stores flags as integers, PostgreSQL as booleans.
    private static bool ReadFlag(DbDataReader r, string column) => ReadFlag(r, r.GetOrdinal(column));

    private static bool ReadFlag(DbDataReader r, int ordinal) =>
        r.GetFieldType(ordinal) == typeof(bool) ? r.GetBoolean(ordinal) : r.GetInt64(ordinal) != 0;
}
