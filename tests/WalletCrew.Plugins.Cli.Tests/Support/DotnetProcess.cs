using System.Diagnostics;

namespace WalletCrew.Plugins.Cli.Tests.Support;

/// <summary>Runs the real <c>dotnet</c> CLI (and the tools it installs), as an author would, with a time limit.</summary>
internal static class DotnetProcess
{
    public static Task<(int ExitCode, string Output)> RunAsync(TimeSpan timeout, params string[] args) =>
        RunInAsync(null, timeout, args);

    /// <summary>Runs <c>dotnet</c> in <paramref name="workingDirectory"/> (the test's own when null), where its nuget.config applies.</summary>
    public static Task<(int ExitCode, string Output)> RunInAsync(string? workingDirectory, TimeSpan timeout, params string[] args) =>
        RunProgramAsync(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet", workingDirectory, timeout, args);

    /// <summary>Runs <paramref name="program"/>, e.g. a tool's command that <c>dotnet tool install</c> put in a tool folder.</summary>
    public static async Task<(int ExitCode, string Output)> RunProgramAsync(string program, string? workingDirectory, TimeSpan timeout, params string[] args)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory ?? "",
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // The test host's MSBuild settings must not leak into an independent build.
        foreach (var variable in new[] { "MSBuildSDKsPath", "MSBUILD_EXE_PATH", "MSBuildExtensionsPath", "MSBuildLoadMicrosoftTargetsReadOnly" })
        {
            start.Environment.Remove(variable);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Path.GetFileName(program)} {string.Join(' ', args)} did not finish within {timeout.TotalSeconds} s.");
        }

        return (process.ExitCode, await output + await error);
    }
}
