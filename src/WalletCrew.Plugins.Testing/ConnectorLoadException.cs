using WalletCrew.Plugins.Engine;

namespace WalletCrew.Plugins.Testing;

/// <summary>Thrown when a tenant folder does not load: its message lists every diagnostic as <c>file(line,col): error CODE: message</c>.</summary>
public sealed class ConnectorLoadException : Exception
{
    internal ConnectorLoadException(string tenantDirectory, IReadOnlyList<ConnectorDiagnostic> diagnostics)
        : base(Describe(tenantDirectory, diagnostics))
    {
        Diagnostics = [.. diagnostics.Select(d => Locate(tenantDirectory, d))];
    }

    /// <summary>Gets the diagnostics, each as <c>file(line,col): error CODE: message</c> with the file's full path.</summary>
    public IReadOnlyList<string> Diagnostics { get; }

    private static string Describe(string tenantDirectory, IReadOnlyList<ConnectorDiagnostic> diagnostics) =>
        $"Tenant folder '{tenantDirectory}' did not load:{Environment.NewLine}"
        + string.Join(Environment.NewLine, diagnostics.Select(d => Locate(tenantDirectory, d)));

    private static string Locate(string tenantDirectory, ConnectorDiagnostic diagnostic) =>
        (diagnostic with { Path = Path.GetFullPath(Path.Combine(tenantDirectory, diagnostic.Path)) }).ToString();
}
