namespace WalletCrew.Plugins.Engine.Compilation;

/// <summary>Messages of the compile path that are not about one script.</summary>
internal static class CompileMessages
{
    public static string CompilerProgramMissing(string path) =>
        $"The compiler program '{path}' is missing, so scripts compile in this process without a hard time or memory bound "
        + "(a compile bomb would hold a thread until the compiler gives up): build the solution (it is copied into worker/ next to the host) "
        + "or, when embedding the engine, set SandboxOptions.WorkerDirectory.";
}
