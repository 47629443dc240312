namespace WalletCrew.Plugins.Benchmarks.HookInvocation;

/// <summary>The minimal (logging) example written by hand in C# and called directly; its log is a plain list, cleared per call.</summary>
internal sealed class DirectMinimalConnector
{
    public List<string> Log { get; } = [];

    public Task OnPassInstalled(string passId, string passType, IReadOnlyDictionary<string, string> identifiers, string device)
    {
        Log.Clear();
        Log.Add($"Pass {passId} installed on {device}");
        return Task.CompletedTask;
    }
}
