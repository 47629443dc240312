using System.Data.Common;
using System.Text.Json;
using static WalletCrew.Plugins.Host.Store.StoreRows;

namespace WalletCrew.Plugins.Host.Store;

/// <summary>Maps the wallet store's rows (<see cref="WalletSql"/>) to records and passes to parameters; shared by both stores.</summary>
internal static class WalletRows
{
    public static WalletPass ReadPass(DbDataReader r) => new(
        TenantId: r.GetString(0),
        PassId: r.GetString(1),
        PassType: r.GetString(2),
        Identifiers: JsonSerializer.Deserialize<Dictionary<string, string>>(r.GetString(3), StoreJson.Options) ?? [],
        Source: r.IsDBNull(4) ? null : JsonSerializer.Deserialize<RegistrationSourceData>(r.GetString(4), StoreJson.Options),
        SerialNumber: Text(r, 5),
        PassTypeIdentifier: Text(r, 6),
        AuthenticationTokenHash: Bytes(r, 7),
        GoogleClassId: Text(r, 8),
        GoogleObjectId: Text(r, 9),
        Pkpass: Bytes(r, 10),
        PkpassModifiedAt: r.IsDBNull(11) ? null : FromMs(r.GetInt64(11)),
        UpdatedAt: FromMs(r.GetInt64(12)));

    public static PassRegistration ReadRegistration(DbDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetInt64(2), FromMs(r.GetInt64(3)), r.IsDBNull(4) ? null : FromMs(r.GetInt64(4)), r.GetString(5), Text(r, 6), Text(r, 7));

    public static DeviceLogEntry ReadDeviceLog(DbDataReader r) => new(r.GetString(0), FromMs(r.GetInt64(1)), r.GetString(2));

    /// <summary>The parameters of <see cref="WalletSql.Upsert"/> and <see cref="WalletSql.Check"/>, named without their <c>@</c>.</summary>
    public static IEnumerable<(string Name, object? Value)> PassParameters(WalletPass p) =>
    [
        ("t", p.TenantId), ("p", p.PassId), ("pt", p.PassType), ("ids", JsonSerializer.Serialize(p.Identifiers, StoreJson.Options)),
        ("src", p.Source is null ? null : JsonSerializer.Serialize(p.Source, StoreJson.Options)), ("sn", p.SerialNumber),
        ("pti", p.PassTypeIdentifier), ("th", p.AuthenticationTokenHash), ("gci", p.GoogleClassId), ("goi", p.GoogleObjectId),
        ("pk", p.Pkpass), ("pkm", p.PkpassModifiedAt is { } m ? ToMs(m) : null), ("now", ToMs(p.UpdatedAt)),
    ];

    private static string? Text(DbDataReader r, int ordinal) => r.IsDBNull(ordinal) ? null : r.GetString(ordinal);

    private static byte[]? Bytes(DbDataReader r, int ordinal) => r.IsDBNull(ordinal) ? null : r.GetFieldValue<byte[]>(ordinal);
}
