using System.Globalization;

namespace WalletCrew.Plugins.Engine.Tests.Support;

/// <summary>What the sandbox tests read of a process from <c>/proc</c>: its children, its bubblewrap children, its innermost
/// descendant (a sandbox's worker), its owner and group and its process limit. A process that has ended reads as empty.</summary>
internal static class ProcFiles
{
    /// <summary>Returns the process's children, none once it has ended. The kernel lists a child under the thread that
    /// started it, so every thread's list is read (a .NET host starts its workers from pool threads).</summary>
    public static IReadOnlyList<int> Children(int processId)
    {
        string[] threads;
        try
        {
            threads = Directory.GetDirectories($"/proc/{processId}/task");
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return [];
        }

        return [.. threads.Select(thread => TryRead(Path.Combine(thread, "children")) ?? "")
            .SelectMany(children => children.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(child => int.Parse(child, CultureInfo.InvariantCulture))];
    }

    /// <summary>Returns the children of <paramref name="processId"/> that are bubblewrap: each sandboxed worker it started, spares included.</summary>
    public static IReadOnlyList<int> SandboxesOf(int processId) =>
        [.. Children(processId).Where(child => TryRead($"/proc/{child}/cmdline") is { } command && Path.GetFileName(command.Split('\0')[0]) == "bwrap")];

    /// <summary>Follows first children down from <paramref name="processId"/> (bubblewrap, its reaper, the worker).</summary>
    public static int Innermost(int processId)
    {
        while (Children(processId) is [var child, ..])
        {
            processId = child;
        }

        return processId;
    }

    /// <summary>Returns the real user id of a process (the first field of its status's <c>Uid:</c> line).</summary>
    public static int Owner(int processId) => StatusId(processId, "Uid:");

    /// <summary>Returns the real group id of a process (the first field of its status's <c>Gid:</c> line).</summary>
    public static int Group(int processId) => StatusId(processId, "Gid:");

    /// <summary>Returns the soft <c>Max processes</c> limit of a process (<c>RLIMIT_NPROC</c>), <see cref="int.MaxValue"/> when unlimited.</summary>
    public static int ProcessLimit(int processId)
    {
        var soft = File.ReadLines($"/proc/{processId}/limits").First(line => line.StartsWith("Max processes", StringComparison.Ordinal))
            ["Max processes".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
        return soft == "unlimited" ? int.MaxValue : int.Parse(soft, CultureInfo.InvariantCulture);
    }

    private static int StatusId(int processId, string line) =>
        int.Parse(File.ReadLines($"/proc/{processId}/status").First(l => l.StartsWith(line, StringComparison.Ordinal))
            .Split('\t', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);

    /// <summary>Reads a file of <c>/proc</c>, or null once its process has ended.</summary>
    public static string? TryRead(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
