using WalletCrew.Plugins.Host.Store;

namespace WalletCrew.Plugins.Host.Wallets.Passes;

/// <summary>A registry pass as the API shows it: never its token, and of its <c>.pkpass</c> only the size and time.</summary>
internal sealed record PassView(
    string TenantId,
    string PassId,
    string PassType,
    IReadOnlyDictionary<string, string> Identifiers,
    RegistrationSourceData? RegistrationSource,
    PassView.AppleView? Apple,
    PassView.GoogleView? Google,
    DateTimeOffset UpdatedAt)
{
    public static PassView From(WalletPass p) => new(
        p.TenantId,
        p.PassId,
        p.PassType,
        p.Identifiers,
        p.Source,
        p.SerialNumber is null ? null : new AppleView(p.SerialNumber, p.PassTypeIdentifier!, p.Pkpass?.Length, p.PkpassModifiedAt),
        p.GoogleObjectId is null ? null : new GoogleView(p.GoogleClassId!, p.GoogleObjectId),
        p.UpdatedAt);

    internal sealed record AppleView(string SerialNumber, string PassTypeIdentifier, int? PkpassBytes, DateTimeOffset? PkpassModifiedAt);

    internal sealed record GoogleView(string ClassId, string ObjectId);
}
