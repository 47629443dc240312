using WalletCrew.Plugins.Engine.Limits;

namespace WalletCrew.Plugins.Engine.Tests.Limits;

/// <summary>
/// The engine sets the process's default Regex match timeout when it loads. This test process used a Regex before (xUnit's
/// discovery does), which fixed the runtime's default for good, so the effect on tenant code is tested in a fresh process:
/// WalletCrew.Plugins.Cli.Tests RegexTimeoutProcessTests.
/// </summary>
public sealed class RegexTimeoutTests
{
    [Fact]
    public void LoadingTheEngineSetsTheDefaultMatchTimeout()
    {
        RegexTimeout.Initialize(); // what loading the engine ran already; idempotent

        AppContext.GetData(RegexTimeout.AppContextKey).Should().Be(TimeSpan.FromSeconds(1));
        EngineDefaults.RegexMatchTimeout.Should().Be(TimeSpan.FromSeconds(1));
    }

    [Fact]
    public void AShorterTimeoutTheHostSetIsKeptAndALongerOneReplaced()
    {
        try
        {
            AppDomain.CurrentDomain.SetData(RegexTimeout.AppContextKey, TimeSpan.FromMilliseconds(200));
            RegexTimeout.Initialize();
            AppContext.GetData(RegexTimeout.AppContextKey).Should().Be(TimeSpan.FromMilliseconds(200));

            AppDomain.CurrentDomain.SetData(RegexTimeout.AppContextKey, TimeSpan.FromMinutes(5));
            RegexTimeout.Initialize();
            AppContext.GetData(RegexTimeout.AppContextKey).Should().Be(TimeSpan.FromSeconds(1));
        }
        finally
        {
            RegexTimeout.Initialize();
        }
    }
}
