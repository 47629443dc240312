using Microsoft.AspNetCore.Http;
using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Host.Tests.Support;

/// <summary>Holds every partner call until <see cref="Open"/>, so a hook or provider stays in flight as long as a test needs.</summary>
internal sealed class PartnerGate
{
    private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public PartnerGate(PartnerStub partner, string answer = "{}") =>
        partner.Handler = async context =>
        {
            await _open.Task.WaitAsync(context.RequestAborted);
            await PartnerStub.Respond(StatusCodes.Status200OK, answer)(context);
        };

    public void Open() => _open.TrySetResult();
}
