using Microsoft.Extensions.Options;
using WalletCrew.Plugins.Host.Tests.Support;
using WalletCrew.Plugins.Host.Wallets.Google;

namespace WalletCrew.Plugins.Host.Tests.Wallets.Google;

public sealed class GoogleWalletOptionsTests
{
    private static readonly DateTimeOffset Expiration = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void DefaultsAreGooglePayPassesWithGoogleWalletPassesAsTheSecondTry()
    {
        var options = new GoogleWalletOptions();

        (options.SenderId, options.AlternativeSenderId, options.KeyUrl).Should().Be(("GooglePayPasses", "GoogleWalletPasses", "https://pay.google.com/gp/m/issuer/keys"));
        (options.RootKeys, options.RootKeysFile).Should().Be((null, null));
        new GoogleWalletOptionsValidator().Validate(null, options).Succeeded.Should().BeTrue("no keys is a valid start: every callback is refused");
    }

    [Fact]
    public void AcceptsAKeyFile()
    {
        using var signer = new GoogleTestSigner();
        var file = Path.Combine(Path.GetTempPath(), $"google-keys-{Guid.NewGuid():N}.json");
        File.WriteAllText(file, signer.RootKeysJson(Expiration));
        try
        {
            var options = new GoogleWalletOptions { RootKeysFile = file };
            options.Issuers["acme"] = "3388000000012345678";

            new GoogleWalletOptionsValidator().Validate(null, options).Succeeded.Should().BeTrue();
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void ReportsEveryProblemAtOnce()
    {
        var options = new GoogleWalletOptions { RootKeys = """{"keys":[{"keyValue":"bm90IGEga2V5","protocolVersion":"ECv2SigningOnly"},{"keyValue":"x","protocolVersion":"ECv1"}]}""", SenderId = " " };
        options.Issuers["acme"] = "3388.1";

        Failures(options).Should().Equal(
            "WalletCrew:Wallets:Google:RootKeys keys[0].keyValue is not a base64 X.509 P-256 public key.",
            "WalletCrew:Wallets:Google:RootKeys keys[0].keyExpiration is missing or not milliseconds since the epoch; ECv2SigningOnly keys must carry one.",
            "WalletCrew:Wallets:Google:SenderId is empty; the default is \"GooglePayPasses\".",
            "WalletCrew:Wallets:Google:Issuers:acme is \"3388.1\"; an issuer id is Google's number for the issuer, such as 3388000000012345678 (no spaces or dots).");
    }

    [Fact]
    public void RefusesOneIssuerForTwoTenants()
    {
        using var signer = new GoogleTestSigner();
        var options = new GoogleWalletOptions { RootKeys = signer.RootKeysJson(Expiration) };
        options.Issuers["globex"] = "3388000000012345678";
        options.Issuers["acme"] = "3388000000012345678";
        options.Issuers["initech"] = "3388000000087654321";

        Failures(options).Should().Equal(
            "WalletCrew:Wallets:Google:Issuers gives the issuer id 3388000000012345678 to the tenants acme, globex; each issuer id belongs to one tenant, or each would accept the other's callbacks.");
        options.Issuers["globex"] = "3388000000011111111";
        new GoogleWalletOptionsValidator().Validate(null, options).Succeeded.Should().BeTrue("each tenant has its own issuer (control)");
    }

    [Theory]
    [InlineData("{", "WalletCrew:Wallets:Google:RootKeys is not JSON: Expected depth to be zero at the end of the JSON payload. There is an open JSON object or array that should be closed. LineNumber: 0 | BytePositionInLine: 1.")]
    [InlineData("{\"keys\":{}}", "WalletCrew:Wallets:Google:RootKeys has no \"keys\" array; expected {\"keys\":[{\"keyValue\",\"protocolVersion\",\"keyExpiration\"}]}.")]
    [InlineData("{\"keys\":[{\"keyValue\":\"x\",\"protocolVersion\":\"ECv2\"}]}", "WalletCrew:Wallets:Google:RootKeys has no key with protocolVersion \"ECv2SigningOnly\".")]
    public void RefusesAKeyDocumentThatCannotBeUsed(string json, string failure)
    {
        Failures(new GoogleWalletOptions { RootKeys = json }).Should().Equal(failure);
    }

    [Fact]
    public void RefusesARootKeyOnAnotherCurve()
    {
        using var p384 = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP384);
        var json = $$"""{"keys":[{"keyValue":"{{Convert.ToBase64String(p384.ExportSubjectPublicKeyInfo())}}","keyExpiration":"1893456000000","protocolVersion":"ECv2SigningOnly"}]}""";

        Failures(new GoogleWalletOptions { RootKeys = json }).Should().Equal("WalletCrew:Wallets:Google:RootKeys keys[0].keyValue is not a base64 X.509 P-256 public key.");
    }

    [Fact]
    public void RefusesBothKeySourcesAndAMissingFile()
    {
        Failures(new GoogleWalletOptions { RootKeys = "{}", RootKeysFile = "keys.json" })
            .Should().Equal("WalletCrew:Wallets:Google: both RootKeys and RootKeysFile are set; set one of them.");
        var missing = Path.Combine(Path.GetTempPath(), $"no-such-{Guid.NewGuid():N}.json");
        Failures(new GoogleWalletOptions { RootKeysFile = missing })
            .Should().Equal($"WalletCrew:Wallets:Google:RootKeysFile '{missing}' does not exist.");
    }

    [Fact]
    public async Task TheHostRefusesToStartWithBadGoogleSettings()
    {
        using var root = new TenantsRoot();

        var start = () => HostHarness.StartAsync(root, new Dictionary<string, string?>
        {
            ["WalletCrew:Wallets:Google:RootKeys"] = "{\"keys\":[]}",
            ["WalletCrew:Wallets:Google:RootKeysFile"] = "keys.json",
        });

        (await start.Should().ThrowAsync<OptionsValidationException>()).Which.Failures.Should().Equal(
            "WalletCrew:Wallets:Google: both RootKeys and RootKeysFile are set; set one of them.");
    }

    private static IEnumerable<string> Failures(GoogleWalletOptions options)
    {
        var result = new GoogleWalletOptionsValidator().Validate(null, options);
        result.Failed.Should().BeTrue();
        return result.Failures!;
    }
}
