using System.Threading.Channels;

namespace WalletCrew.Plugins.Benchmarks.Host;

/// <summary>
/// The load's passes: a sender takes a pass, sends its next transition (install, uninstall, install… so every one creates an
/// event) and gives it back, so a pass is never in flight twice. Shared by <c>host</c> (over HTTP) and <c>store</c> (in-process).
/// </summary>
internal sealed class PassRotation
{
    /// <summary>How many passes the load spreads over.</summary>
    public const int Count = 200;

    private readonly Channel<int> _ready = Channel.CreateUnbounded<int>();
    private readonly bool[] _installed = new bool[Count];

    public PassRotation()
    {
        for (var pass = 0; pass < Count; pass++)
        {
            _ready.Writer.TryWrite(pass);
        }
    }

    /// <summary>Waits for a pass no sender holds and returns it with the state its next transition sets.</summary>
    public async ValueTask<(int Pass, bool Installed)> TakeAsync()
    {
        var pass = await _ready.Reader.ReadAsync().ConfigureAwait(false);
        return (pass, _installed[pass] = !_installed[pass]);
    }

    /// <summary>Gives <paramref name="pass"/> back once its transition was answered.</summary>
    public void Return(int pass) => _ready.Writer.TryWrite(pass);
}
