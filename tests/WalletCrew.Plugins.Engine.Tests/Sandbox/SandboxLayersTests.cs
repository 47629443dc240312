using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Engine.Tests.Sandbox;

/// <summary>The engine says what bounds its workers beside the namespaces (the host's readiness shows it): every layer where
/// the host can give it, and a layer turned off shown off, with no warning (a warning is for a layer the host would give and
/// cannot).</summary>
public sealed class SandboxLayersTests
{
    [Fact]
    public void EveryLayerIsThereWhereTheHostCanGiveIt()
    {
        using var harness = new EngineHarness(isolation: IsolationMode.Sandbox);

        harness.Engine.SandboxLayers.Should().BeEquivalentTo(new SandboxLayers(true, true, true, true, true, []), "CI runs as root, with libseccomp, setpriv and unprivileged user namespaces");
    }

    [Fact]
    public void LayersTurnedOffAreShownOffWithoutAWarning()
    {
        using var harness = new EngineHarness(isolation: IsolationMode.Sandbox, sandbox: new SandboxOptions { Seccomp = false, WorkerCpuCores = 0, ResourceGroups = false, WorkerUsers = WorkerUsers.Root });

        harness.Engine.SandboxLayers.Should().BeEquivalentTo(new SandboxLayers(false, false, false, false, false, []));
    }

    [Fact]
    public void InProcessThereAreNone()
    {
        using var harness = new EngineHarness(isolation: IsolationMode.InProcess);

        harness.Engine.SandboxLayers.Should().BeNull();
    }
}
