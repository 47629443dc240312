using System.Globalization;

namespace WalletCrew.Plugins.Engine.Limits;

/// <summary>Every message of the engine's execution limits, in one place: the limit, the usage, the setting and how to fix it.</summary>
internal static class LimitMessages
{
    public const string InvocationTimeoutSetting = "InvocationTimeout";

    public const string ExecutionStackSetting = "ExecutionStack";

    public const string OutboundCallsSetting = "OutboundCallsPerInvocation";

    public const string ConcurrentInvocationsSetting = "ConcurrentInvocations";

    public const string LogEntriesSetting = "LogEntriesPerInvocation";

    public const string LogBytesSetting = "LogBytesPerInvocation";

    public const string LoadTimeoutSetting = "LoadTimeout";

    public static ExecutionLimitExceededException WallTimeExceeded(TimeSpan limit, TimeSpan used, string setting = InvocationTimeoutSetting) =>
        new($"The connector ran for {Seconds(used)} without finishing, over the limit of {Seconds(limit)} (limit: {setting}); "
            + "a checkpoint stopped it, and catching this error does not let it continue. Make it finish sooner (a loop that never ends?), "
            + (setting == LoadTimeoutSetting
                ? "or raise the host's `LoadTimeout` (its top-level code should only register)."
                : "or raise `limits.invocationTimeoutSeconds` in tenant.json within the host's maximum."),
            (long)limit.TotalMilliseconds, (long)used.TotalMilliseconds, setting);

    public static ExecutionLimitExceededException InvocationOver() =>
        new("The invocation that started this work is over, so a checkpoint stopped what it left running (an un-awaited task or "
            + "continuation); catching this error does not let it continue. Await everything a hook starts before it returns.",
            0, 0, InvocationTimeoutSetting);

    public static ExecutionLimitExceededException StackExhausted(int frames) =>
        new($"The connector nested calls {N(frames)} frames deep and nearly ran out of stack (unbounded recursion?); a checkpoint stopped it "
            + $"before a stack overflow could end the host process, and catching this error does not let it continue (limit: {ExecutionStackSetting}). "
            + "Make the recursion end, or turn it into a loop.",
            frames, frames, ExecutionStackSetting);

    public static string TimedOut(TimeSpan limit) =>
        $"The connector did not finish within {limit.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s (limit: {InvocationTimeoutSetting}).";

    public static InvocationLimitExceededException OutboundCallsExceeded(string url, int limit, int used) =>
        new($"Outbound call {N(used)} of this invocation ({url}) is over the limit of {N(limit)} (limit: {OutboundCallsSetting}); it was not sent. "
            + "Make fewer calls (batch them, cache what does not change), or raise `limits.outboundCallsPerInvocation` in tenant.json within the host's maximum.",
            limit, used, OutboundCallsSetting);

    public static string Rejected(string tenantId, int limit) =>
        $"Tenant '{tenantId}' is overloaded: {N(limit)} invocations are already running, the limit (limit: {ConcurrentInvocationsSetting}); "
        + "this one was rejected without running. Retry later, or raise `limits.concurrentInvocations` in tenant.json within the host's maximum.";

    public static string LogEntriesTruncated(int limit) =>
        $"The tenant log of this invocation was truncated after {N(limit)} entries (limit: {LogEntriesSetting}).";

    public static string LogBytesTruncated(int limit) =>
        $"The tenant log of this invocation was truncated at {N(limit)} bytes (limit: {LogBytesSetting}).";

    public static string InstrumentationMovedLines(int before, int after) =>
        $"The engine could not insert its execution checkpoints into this script without moving its lines ({before} lines became {after}); "
        + "it was not loaded. Please report this script to the platform team.";

    public static string InstrumentationFailed(string error) =>
        $"The engine could not insert its execution checkpoints into this script ({error}); it was not loaded. "
        + "Preprocessor directives (#if, #region) inside a loop or function body can cause this: move them outside. Otherwise, please report this script to the platform team.";

    private static string Seconds(TimeSpan value) => $"{value.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s";

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
