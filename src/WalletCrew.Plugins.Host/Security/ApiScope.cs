using WalletCrew.Plugins.Engine;

namespace WalletCrew.Plugins.Host.Security;

/// <summary>What a key may do: <c>platform</c>, <c>admin</c> or <c>tenant:{id}</c> (SPEC §5); its text is the configured name.</summary>
internal sealed record ApiScope(string Name, string? TenantId)
{
    public const string PlatformName = "platform";
    public const string AdminName = "admin";
    public const string TenantPrefix = "tenant:";

    /// <summary>The claim type that carries each scope of the authenticated key.</summary>
    public const string ClaimType = "wcp:scope";

    public static readonly ApiScope Platform = new(PlatformName, null);
    public static readonly ApiScope Admin = new(AdminName, null);

    public static ApiScope Tenant(string tenantId) => new(TenantPrefix + tenantId, tenantId);

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

        if (value.StartsWith(TenantPrefix, StringComparison.Ordinal))
        {
            var tenantId = value[TenantPrefix.Length..];
            if (TenantIds.IsValid(tenantId))
            {
                scope = Tenant(tenantId);
                return true;
            }

            error = $"names no valid tenant: {TenantIds.Explain(tenantId)}";
            return false;
        }

        error = $"is not a scope: use {PlatformName}, {AdminName} or {TenantPrefix}{{tenantId}}{DidYouMean(value)}.";
        return false;
    }

    public override string ToString() => Name;

    private static string DidYouMean(string value)
    {
        var lower = value.ToLowerInvariant();
        string? guess = lower switch
        {
            _ when lower == PlatformName || lower == AdminName => lower,
            _ when lower.StartsWith("tenant", StringComparison.Ordinal) => TenantPrefix + lower["tenant".Length..].TrimStart(':', '/', '=', ' '),
            _ when lower.StartsWith("plat", StringComparison.Ordinal) => PlatformName,
            _ when lower.StartsWith("adm", StringComparison.Ordinal) => AdminName,
            _ => null,
        };
        return guess is null ? "" : $" (did you mean '{guess}'?)";
    }
}
