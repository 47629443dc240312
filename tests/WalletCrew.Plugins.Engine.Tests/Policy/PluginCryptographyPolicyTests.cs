using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Engine.Tests.Policy;

/// <summary>
/// Plugins get the scripts' hashing and HMAC, but not the algorithm factories: the metadata check sees only member names,
/// and <c>Create(string)</c> (CryptoConfig, which instantiates whatever type the string names) shares its name with
/// <c>Create()</c>.
/// </summary>
public sealed class PluginCryptographyPolicyTests
{
    private const string Hook = """
        using WalletCrew.Plugins;
        using System.Security.Cryptography;
        public sealed class Sync : IPassUpdater
        {
            public Task OnPassInstalledAsync(PassInstallationEvent e, CancellationToken cancellationToken) => Task.CompletedTask;
            public Task OnPassUninstalledAsync(PassInstallationEvent e, CancellationToken cancellationToken) => Task.CompletedTask;
        }
        """;

    [Theory]
    [InlineData("SHA256.Create(\"System.Object\")", "System.Security.Cryptography.SHA256.Create")]
    [InlineData("RSA.Create(\"RSA\")", "System.Security.Cryptography.RSA.Create")]
    [InlineData("RandomNumberGenerator.Create(\"x\")", "System.Security.Cryptography.RandomNumberGenerator.Create")]
    public void PluginCannotCreateAnAlgorithmByName(string expression, string symbol)
    {
        using var harness = new EngineHarness();
        PluginCompiler.CompileInto(harness.Folder, "ByName", Hook + $"\npublic static class Make {{ public static object? Run() => {expression}; }}");

        using var tenant = harness.Load();

        tenant.Diagnostics.Should().Contain(d => d.Code == "WCP0310" && d.Message.Contains($"'{symbol}'", StringComparison.Ordinal));
        tenant.PassUpdaterCount.Should().Be(0);
    }

    [Fact]
    public void NegativeControlPluginHashesAndSignsWithHmac()
    {
        using var harness = new EngineHarness();
        PluginCompiler.CompileInto(harness.Folder, "Hashing", Hook + """

            public static class Sign
            {
                public static byte[] Run(byte[] key, byte[] data) => HMACSHA256.HashData(key, SHA256.HashData(data));
            }
            """);

        using var tenant = harness.Load();

        tenant.Diagnostics.Should().BeEmpty();
        tenant.PassUpdaterCount.Should().Be(1);
    }
}
