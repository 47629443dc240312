namespace WalletCrew.Plugins.Engine.Tests.Limits;

/// <summary>Pins the documented defaults and maxima (SPEC §4, docs/limits.md): changing one is a decision, not an accident.</summary>
public sealed class EngineDefaultsTests
{
    [Fact]
    public void DefaultsAreTheDocumentedOnes()
    {
        EngineDefaults.InvocationTimeout.Should().Be(TimeSpan.FromSeconds(10));
        EngineDefaults.LoadTimeout.Should().Be(TimeSpan.FromSeconds(10));
        EngineDefaults.OutboundCallsPerInvocation.Should().Be(20);
        EngineDefaults.ConcurrentInvocations.Should().Be(32);
        EngineDefaults.MaxLogEntriesPerInvocation.Should().Be(1_000);
        EngineDefaults.LogBytesPerInvocation.Should().Be(16 * 1024);
        EngineDefaults.RequestBodyLimitBytes.Should().Be(256 * 1024);
        EngineDefaults.ResponseBodyLimitBytes.Should().Be(1024 * 1024);
        EngineDefaults.CompileTimeout.Should().Be(TimeSpan.FromSeconds(30));
        EngineDefaults.CompileMemoryLimitBytes.Should().Be(1024L * 1024 * 1024);
    }

    [Fact]
    public void MaximaAreTheDocumentedOnes()
    {
        EngineDefaults.Maxima.InvocationTimeout.Should().Be(TimeSpan.FromSeconds(60));
        EngineDefaults.Maxima.OutboundCallsPerInvocation.Should().Be(100);
        EngineDefaults.Maxima.ConcurrentInvocations.Should().Be(256);
        EngineDefaults.Maxima.LogEntriesPerInvocation.Should().Be(10_000);
        EngineDefaults.Maxima.LogBytesPerInvocation.Should().Be(1024 * 1024);
        EngineDefaults.Maxima.RequestBodyBytes.Should().Be(1024 * 1024);
        EngineDefaults.Maxima.ResponseBodyBytes.Should().Be(10 * 1024 * 1024);
    }

    [Fact]
    public void EngineOptionsStartFromTheDefaults()
    {
        var options = new ConnectorEngineOptions();

        options.InvocationTimeout.Should().Be(EngineDefaults.InvocationTimeout);
        options.OutboundCallsPerInvocation.Should().Be(EngineDefaults.OutboundCallsPerInvocation);
        options.ConcurrentInvocations.Should().Be(EngineDefaults.ConcurrentInvocations);
        options.LogEntriesPerInvocation.Should().Be(EngineDefaults.MaxLogEntriesPerInvocation);
        options.LogBytesPerInvocation.Should().Be(EngineDefaults.LogBytesPerInvocation);
        options.CompileTimeout.Should().Be(EngineDefaults.CompileTimeout);
        options.CompileMemoryLimitBytes.Should().Be(EngineDefaults.CompileMemoryLimitBytes);
    }
}
