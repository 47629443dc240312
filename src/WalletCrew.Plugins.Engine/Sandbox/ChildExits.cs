using System.Globalization;
using WalletCrew.Plugins.Engine.Invocation;

namespace WalletCrew.Plugins.Engine.Sandbox;

/// <summary>How a child process of the engine (a tenant's worker, a compiler process) ended, read from its exit code and
/// its standard error (the runtime's failure report and the last lines): the one place both kinds of child are judged.</summary>
internal static class ChildExits
{
    private const string StackOverflowHeading = "Stack overflow.";

    // How much of what a child said goes into a message.
    private const int DetailChars = 400;

    /// <summary>How the runtime's failure reports begin (CoreCLR's fail-fast and unhandled-exception output), which <see cref="StderrTail"/> keeps.</summary>
    public static readonly IReadOnlyList<string> ReportHeadings = [StackOverflowHeading, "Fatal error.", "Process terminated.", "Out of memory.", "Unhandled exception."];

    /// <summary>Returns whether the runtime reported a stack overflow (which no code can catch).</summary>
    public static bool IsStackOverflow(StderrTail stderr) => stderr.Report.StartsWith(StackOverflowHeading, StringComparison.Ordinal);

    /// <summary>Returns whether the child ran its GC heap to its hard limit (its own exit code, or the runtime's report).</summary>
    public static bool IsOutOfMemory(int code, StderrTail stderr) =>
        code == WorkerExitCodes.OutOfMemory || MentionsOutOfMemory(stderr.Report) || MentionsOutOfMemory(stderr.Text);

    /// <summary>
    /// What the child said about its end, for a message, at most <see cref="DetailChars"/> characters: the start of the
    /// runtime's report if it wrote one (a stack overflow's without its heading, which the message names), else the end of
    /// its last words; cleaned as tenant text, since a worker's report carries tenant code's exception messages and the
    /// engine's frames.
    /// </summary>
    public static string Detail(StderrTail stderr)
    {
        string said;
        if (stderr.Report is { Length: > 0 } report)
        {
            report = report.StartsWith(StackOverflowHeading, StringComparison.Ordinal) ? report[StackOverflowHeading.Length..].TrimStart() : report;
            said = report.Length > DetailChars ? report[..DetailChars] : report;
        }
        else
        {
            var text = stderr.Text;
            said = text.Length > DetailChars ? text[^DetailChars..] : text;
        }

        return said.Length == 0 ? "" : $": {TenantText.Clean(said)}";
    }

    /// <summary>Names an exit code: <c>signal N</c> for a kill (128 + N), else <c>exit code N</c>.</summary>
    public static string Name(int code) =>
        code > 128
            ? $"signal {(code - 128).ToString(CultureInfo.InvariantCulture)}"
            : $"exit code {code.ToString(CultureInfo.InvariantCulture)}";

    private static bool MentionsOutOfMemory(string text) =>
        text.Contains("OutOfMemory", StringComparison.Ordinal) || text.Contains("Out of memory", StringComparison.OrdinalIgnoreCase);
}
