using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Engine.Tests.Refit;

/// <summary>One loyalty partner stub for a test class: answers every request with a customer.</summary>
public sealed class PartnerStubFixture : IAsyncLifetime
{
    internal PartnerStub Stub { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Stub = await PartnerStub.StartAsync();
        Stub.Handler = PartnerStub.Respond(200, """{"points":120,"tier":"gold"}""");
    }

    public async Task DisposeAsync() => await Stub.DisposeAsync();
}
