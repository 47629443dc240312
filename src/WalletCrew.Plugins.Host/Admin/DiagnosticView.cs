using WalletCrew.Plugins.Engine;

namespace WalletCrew.Plugins.Host.Admin;

/// <summary>A connector diagnostic on the wire, with its MSBuild-form <c>text</c>.</summary>
internal sealed record DiagnosticView(string Path, int Line, int Column, string Severity, string Code, string Message, string Text)
{
    public static DiagnosticView From(ConnectorDiagnostic d) =>
        new(d.Path, d.Line, d.Column, d.IsError ? "error" : "warning", d.Code, d.Message, d.ToString());
}
