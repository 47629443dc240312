namespace WalletCrew.Plugins.Engine;

/// <summary>A problem found in a connector, located in the tenant's file.</summary>
/// <param name="Path">The file, relative to the tenant folder when it lies inside it.</param>
/// <param name="Line">The 1-based line, or 0 when the problem has no position.</param>
/// <param name="Column">The 1-based column, or 0 when the problem has no position.</param>
/// <param name="Severity">Whether the problem stops the connector from loading.</param>
/// <param name="Code">A stable code, such as <c>CS1002</c> or <c>WCP0102</c>.</param>
/// <param name="Message">What is wrong and how to fix it.</param>
/// <remarks>
/// Path, code and message are one line each, control characters escaped (<c>\n</c>, <c>\u001b</c>), however they were made:
/// they carry tenant text (a registration key, a member name, a <c>#error</c> line) into the host's log, the admin API and
/// terminals, where a line break would forge a log line and an escape sequence would drive the terminal.
/// </remarks>
public sealed record ConnectorDiagnostic(string Path, int Line, int Column, ConnectorDiagnosticSeverity Severity, string Code, string Message)
{
    private readonly string _path = Invocation.TenantText.Escape(Path);
    private readonly string _code = Invocation.TenantText.Escape(Code);
    private readonly string _message = Invocation.TenantText.Escape(Message);

    /// <summary>Gets the file, relative to the tenant folder when it lies inside it.</summary>
    public string Path { get => _path; init => _path = Invocation.TenantText.Escape(value); }

    /// <summary>Gets a stable code, such as <c>CS1002</c> or <c>WCP0102</c>.</summary>
    public string Code { get => _code; init => _code = Invocation.TenantText.Escape(value); }

    /// <summary>Gets what is wrong and how to fix it.</summary>
    public string Message { get => _message; init => _message = Invocation.TenantText.Escape(value); }

    /// <summary>Gets a value indicating whether this diagnostic is an error.</summary>
    public bool IsError => Severity == ConnectorDiagnosticSeverity.Error;

    /// <summary>Formats the diagnostic the way MSBuild does: <c>path(line,col): error CODE: message</c>.</summary>
    /// <returns>The formatted diagnostic.</returns>
    public override string ToString()
    {
        var severity = Severity == ConnectorDiagnosticSeverity.Error ? "error" : "warning";
        return Line > 0
            ? $"{Path}({Line},{Column}): {severity} {Code}: {Message}"
            : $"{Path}: {severity} {Code}: {Message}";
    }
}
