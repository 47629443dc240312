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

    public const string CompileTimeoutSetting = "CompileTimeout";

    public const string CompileMemorySetting = "CompileMemoryLimitMiB";

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

    public static ExecutionLimitExceededException TooDeep(int depth, int limit, string what) =>
        new($"The connector {string.Format(CultureInfo.InvariantCulture, what, N(depth))}, over the limit of {N(limit)} (limit: {ExecutionStackSetting}); the framework code that walks it "
            + "recurses once per level with no checkpoint in between, so it could overflow the stack and end the host process. A checkpoint stopped it, "
            + "and catching this error does not let it continue. Flatten it: materialize a query with ToList() as you build it, keep JSON shallow.",
            limit, depth, ExecutionStackSetting);

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

    public static string FrameTooLarge(string method, long bytes, long limit) =>
        $"`{method}` needs about {N(bytes)} bytes of stack for its locals, over the limit of {N(limit)} bytes (limit: {ExecutionStackSetting}); "
        + "a frame that large could overflow the stack before any checkpoint runs, which would end the host process, so the connector was not loaded. "
        + "Keep large data in arrays or objects, not in struct locals.";

    public static string NotWoven(Exception exception) =>
        $"The engine could not weave its execution checkpoints into this script ({exception.GetType().Name}: {exception.Message.TrimEnd('.')}), "
        + "so it was not loaded. Please report this script to the platform team.";

    public static string ValueTypeTooLarge(string type, long bytes, long limit) =>
        $"The value type `{type}` is about {N(bytes)} bytes, over the limit of {N(limit)} bytes (limit: {ExecutionStackSetting}); "
        + "copies of it on the stack could overflow it before any checkpoint runs, which would end the host process, so the connector was not loaded. "
        + "Make it a class, or keep its data in an array.";

    public static string CompileTimedOut(TimeSpan limit) =>
        $"Compiling this script took longer than {Seconds(limit)} of processor time, or {Seconds(limit * EngineDefaults.CompileWallTimeFactor)} in all (limit: {CompileTimeoutSetting}), so the compiler was stopped and the script is not loaded. "
        + "Lambdas nested in calls to overloaded methods (or to methods whose parameter types do not resolve) make the compiler try every combination: "
        + "give the lambdas' parameters explicit types, or split the expression into statements. "
        + "An operator can raise the host's `CompileTimeout` (WalletCrew:Engine:CompileTimeout).";

    public static string CompileOutOfMemory(long limitBytes) =>
        $"Compiling this script needed more than {N(limitBytes / (1024 * 1024))} MiB of memory (limit: {CompileMemorySetting}), so the compiler was stopped and the script is not loaded. "
        + "Huge constants are the usual cause (a constant string built by doubling another): build large values at run time instead. "
        + "An operator can raise the host's `CompileMemoryLimitMiB` (WalletCrew:Engine:CompileMemoryLimitMiB).";

    public static string CompilerCrashed(string reason) =>
        $"The compiler process ended while compiling this script ({reason}), so the script is not loaded; nothing else was affected. "
        + "Simplify the script (very deep nesting?), and report it to the platform team if it is ordinary code.";

    public static string CompilerFailed(string error) =>
        $"The compiler failed on this script ({error.TrimEnd('.')}), so it is not loaded. Please report this script to the platform team.";

    private static string Seconds(TimeSpan value) => $"{value.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s";

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
