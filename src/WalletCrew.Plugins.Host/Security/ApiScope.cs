using WalletCrew.Plugins.Engine;

namespace WalletCrew.Plugins.Host.Security;

/// <summary>
/// What a key may do: <c>platform</c>, <c>admin</c>, <c>tenant:{id}</c> (SPEC §5: read one tenant) or
/// <c>tenant-files:{id}</c> (change one tenant's files: a partner's CI); its text is the configured name.
/// </summary>
/// <param name="Name">The scope as configured.</param>
/// <param name="TenantId">The tenant a <c>tenant:{id}</c> scope reads; null for every other scope.</param>
/// <param name="FilesTenantId">The tenant whose files a <c>tenant-files:{id}</c> scope changes; null for every other scope.</param>
internal sealed record ApiScope(string Name, string? TenantId, string? FilesTenantId = null)
{
    public const string PlatformName = "platform";
    public const string AdminName = "admin";
    public const string TenantPrefix = "tenant:";
    public const string TenantFilesPrefix = "tenant-files:";

    /// <summary>Every form a scope may take, for messages.</summary>
    public const string Forms = $"{PlatformName}, {AdminName}, {TenantPrefix}{{tenantId}} or {TenantFilesPrefix}{{tenantId}}";

    /// <summary>The claim type that carries each scope of the authenticated key.</summary>
    public const string ClaimType = "wcp:scope";

    public static readonly ApiScope Platform = new(PlatformName, null);
    public static readonly ApiScope Admin = new(AdminName, null);

    // The scopes that name a tenant, by prefix ("tenant:" is no prefix of "tenant-files:", so the order does not matter).
    private static readonly (string Prefix, Func<string, ApiScope> Make)[] TenantForms = [(TenantPrefix, Tenant), (TenantFilesPrefix, TenantFiles)];

    public static ApiScope Tenant(string tenantId) => new(TenantPrefix + tenantId, tenantId);

    public static ApiScope TenantFiles(string tenantId) => new(TenantFilesPrefix + tenantId, null, tenantId);

    /// <summary>The one tenant this scope is about, whichever the kind; null for <c>platform</c> and <c>admin</c>.</summary>
    public string? AnyTenantId => TenantId ?? FilesTenantId;

    /// <summary>Parses a configured scope; on failure <paramref name="error"/> says why and what is accepted.</summary>
    public static bool TryParse(string? text, out ApiScope scope, out string error)
    {
        scope = Platform;
        error = "";
        var value = text?.Trim() ?? "";
        if (value == PlatformName)
        {
            return true;
        }

        if (value == AdminName)
        {
            scope = Admin;
            return true;
        }

        foreach (var (prefix, make) in TenantForms)
        {
            if (value.StartsWith(prefix, StringComparison.Ordinal))
            {
                var tenantId = value[prefix.Length..];
                if (TenantIds.IsValid(tenantId))
                {
                    scope = make(tenantId);
                    return true;
                }

                error = $"names no valid tenant: {TenantIds.Explain(tenantId)}";
                return false;
            }
        }

        error = $"is not a scope: use {Forms}{DidYouMean(value)}.";
        return false;
    }

    public override string ToString() => Name;

    private static string DidYouMean(string value)
    {
        var lower = value.ToLowerInvariant();
        string? guess = lower switch
        {
            _ when lower == PlatformName || lower == AdminName => lower,
            _ when lower.StartsWith("tenant-file", StringComparison.Ordinal) || lower.StartsWith("tenant_file", StringComparison.Ordinal) =>
                TenantFilesPrefix + lower[(lower.IndexOf("file", StringComparison.Ordinal) + 4)..].TrimStart('s', ':', '/', '=', ' '),
            _ when lower.StartsWith("tenant", StringComparison.Ordinal) => TenantPrefix + lower["tenant".Length..].TrimStart(':', '/', '=', ' '),
            _ when lower.StartsWith("plat", StringComparison.Ordinal) => PlatformName,
            _ when lower.StartsWith("adm", StringComparison.Ordinal) => AdminName,
            _ => null,
        };
        return guess is null ? "" : $" (did you mean '{guess}'?)";
    }
}
