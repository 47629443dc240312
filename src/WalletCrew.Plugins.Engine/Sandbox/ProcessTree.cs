using System.Globalization;

namespace WalletCrew.Plugins.Engine.Sandbox;

/// <summary>A process and its descendants, read from /proc: a sandbox is bubblewrap, its reaper and the worker under them.</summary>
internal static class ProcessTree
{
    /// <summary>Returns <paramref name="processId"/> and every process below it that is still there.</summary>
    public static IEnumerable<int> SelfAndDescendants(int processId)
    {
        var pending = new Stack<int>([processId]);
        while (pending.TryPop(out var pid))
        {
            string children;
            try
            {
                children = File.ReadAllText($"/proc/{pid}/task/{pid}/children");
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                continue; // ended between two reads
            }

            yield return pid;
            foreach (var child in children.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                pending.Push(int.Parse(child, CultureInfo.InvariantCulture));
            }
        }
    }
}
