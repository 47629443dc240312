using System.Diagnostics;

namespace WalletCrew.Plugins.Engine.Sandbox;

/// <summary>Finds bubblewrap and checks once per process that it can create the sandbox's namespaces here.</summary>
internal static class SandboxProbe
{
    private static readonly Lazy<string?> DefaultProblem = new(() => Check(null));

    /// <summary>Returns why the sandbox cannot run on this machine, or <see langword="null"/> when it can.</summary>
    public static string? Problem(string? bubblewrapPath) => bubblewrapPath is null ? DefaultProblem.Value : Check(bubblewrapPath);

    /// <summary>Returns the bubblewrap executable: the configured path, else <c>bwrap</c> on <c>PATH</c>.</summary>
    public static string? FindBubblewrap(string? configured)
    {
        if (configured is not null)
        {
            return File.Exists(configured) ? configured : null;
        }

        return (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, "bwrap"))
            .FirstOrDefault(File.Exists);
    }

    private static string? Check(string? configured)
    {
        var bwrap = FindBubblewrap(configured);
        if (bwrap is null)
        {
            return SandboxMessages.BubblewrapMissing;
        }

        return Run([bwrap, "--unshare-all", "--die-with-parent", "--ro-bind", "/", "/", "true"]) is { } problem
            ? SandboxMessages.NamespacesUnavailable(problem)
            : null;
    }

    /// <summary>Runs <paramref name="command"/> (the executable, then its arguments) to its end; returns null when it
    /// succeeded, else what it wrote to its error output (or why it did not start or end).</summary>
    public static string? Run(IReadOnlyList<string> command)
    {
        try
        {
            var start = new ProcessStartInfo(command[0]) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            foreach (var argument in command.Skip(1))
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start)!;
            var error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(10_000))
            {
                process.Kill(entireProcessTree: true);
                return $"{Path.GetFileName(command[0])} did not answer within 10 s";
            }

            return process.ExitCode == 0 ? null : error.Result.Trim();
        }
        catch (Exception exception) when (exception is System.ComponentModel.Win32Exception or IOException)
        {
            return exception.Message;
        }
    }
}
