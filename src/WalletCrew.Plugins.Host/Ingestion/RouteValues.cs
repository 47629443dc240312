using WalletCrew.Plugins.Engine;

namespace WalletCrew.Plugins.Host.Ingestion;

/// <summary>Checks the ids that come in routes and bodies, adding one message per bad field.</summary>
internal static class RouteValues
{
    public const int MaxIdLength = 256;

    public static void CheckTenantId(string tenantId, IDictionary<string, string[]> errors)
    {
        if (!TenantIds.IsValid(tenantId))
        {
            errors["tenantId"] = [TenantIds.Explain(tenantId)];
        }
    }

    public static void CheckId(string field, string? value, IDictionary<string, string[]> errors, bool required = true)
    {
        if (value is null)
        {
            if (required)
            {
                errors[field] = [$"'{field}' is required."];
            }
        }
        else if (string.IsNullOrWhiteSpace(value) || value.Length > MaxIdLength || value.Any(char.IsControl))
        {
            errors[field] = [$"'{field}' must be 1 to {MaxIdLength} characters without control characters."];
        }
    }
}
