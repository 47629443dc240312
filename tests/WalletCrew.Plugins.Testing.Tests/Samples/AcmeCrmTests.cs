using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Testing.Tests.Samples;

/// <summary>The acme-crm sample tells the partner's CRM when a pass is installed or removed (the authoring guide's example).</summary>
public sealed class AcmeCrmTests : IDisposable
{
    private const string Installation = "https://partner.example/wallet/installation";
    private static readonly Dictionary<string, string> Customer = new() { ["customerId"] = "C42" };

    private readonly ConnectorTestHost _host;

    public AcmeCrmTests()
    {
        _host = ConnectorTestHost.Load(Path.Combine(RepositoryPaths.SampleTenants, "acme-crm"));
        _host.SetSecret("PARTNER-API-SECRET", "s3cret");
        _host.Answer("POST", Installation, 204);
    }

    [Fact]
    public async Task Install_posts_the_customer_to_the_crm_with_the_api_key()
    {
        var result = await _host.InstallAsync("pass-1", Customer, device: Device.Google);

        Assert.True(result.Succeeded, result.Error);
        AssertPostedForm(result, "customerId=C42&isInstalled=true&device=google");
        Assert.Equal("s3cret", result.Requests[0].Headers["X-API-KEY"]);
    }

    [Fact]
    public async Task Uninstall_posts_is_installed_false()
    {
        var result = await _host.UninstallAsync("pass-1", Customer);

        Assert.True(result.Succeeded, result.Error);
        AssertPostedForm(result, "customerId=C42&isInstalled=false&device=apple");
    }

    public void Dispose() => _host.Dispose();

    /// <summary>The connector sent exactly one form POST to the CRM's installation endpoint, with this body.</summary>
    internal static void AssertPostedForm(ConnectorTestResult result, string expectedBody)
    {
        var sent = Assert.Single(result.Requests);
        Assert.Equal("POST", sent.Method);
        Assert.Equal(Installation, sent.Url);
        Assert.StartsWith("application/x-www-form-urlencoded", sent.Headers["Content-Type"], StringComparison.Ordinal);
        Assert.Equal(expectedBody, sent.Body);
    }
}
