using System.Globalization;

namespace WalletCrew.Plugins.Engine.Sandbox;

/// <summary>How a child process of the engine (a tenant's worker, a compiler process) ended, read from its exit code and
/// the last lines of its standard error: the one place both kinds of child are judged.</summary>
internal static class ChildExits
{
    /// <summary>Returns whether the runtime reported a stack overflow (which no code can catch).</summary>
    public static bool IsStackOverflow(string stderr) => stderr.Contains("Stack overflow", StringComparison.OrdinalIgnoreCase);

    /// <summary>Returns whether the child ran its GC heap to its hard limit (its own exit code, or the runtime's report).</summary>
    public static bool IsOutOfMemory(int code, string stderr) =>
        code == WorkerExitCodes.OutOfMemory
        || stderr.Contains("OutOfMemory", StringComparison.Ordinal)
        || stderr.Contains("Out of memory", StringComparison.OrdinalIgnoreCase);

    /// <summary>Names an exit code: <c>signal N</c> for a kill (128 + N), else <c>exit code N</c>.</summary>
    public static string Name(int code) =>
        code > 128
            ? $"signal {(code - 128).ToString(CultureInfo.InvariantCulture)}"
            : $"exit code {code.ToString(CultureInfo.InvariantCulture)}";
}
