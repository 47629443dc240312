namespace WalletCrew.Plugins.Engine;

/// <summary>
/// Diagnostic codes of loading a tenant that belong to no narrower family: binding is <c>BindingCodes</c> (WCP01xx),
/// plugins <c>PluginCodes</c>, limits <c>LimitCodes</c> (WCP05xx), <c>tenant.json</c> <c>TenantSettingsMessages</c> (WCP051x),
/// the API policy <c>PolicyDiagnosticIds</c> (WCP1xxx).
/// </summary>
internal static class LoadCodes
{
    /// <summary>The tenant folder is missing, or its name is not a valid tenant id.</summary>
    public const string InvalidTenant = "WCP0001";

    /// <summary>A connector's top-level code (or a plugin's <c>Register</c>) failed.</summary>
    public const string LoadFailed = "WCP0201";

    /// <summary>A changed connector failed to load; its previous version keeps serving.</summary>
    public const string PreviousVersionKept = "WCP0401";

    /// <summary>Sandbox: the host has not compiled this version of the script yet.</summary>
    public const string NotCompiled = "WCP0601";

    /// <summary>Sandbox: the tenant's worker could not load its connectors.</summary>
    public const string WorkerFailed = "WCP0602";
}
