using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Engine.Tests.Samples;

/// <summary>The seed documentation's example, ported as a sample, tells a real partner over loopback.</summary>
public sealed class SeedExampleTests
{
    [Theory]
    [InlineData("acme-crm", "server/script/passInstallation.csx", true, "true")]
    [InlineData("acme-crm", "server/script/passInstallation.csx", false, "false")]
    [InlineData("acme-typed", "server/script/CrmSync.csx", true, "true")]
    [InlineData("acme-typed", "server/script/CrmSync.csx", false, "false")]
    public async Task InstallationChangePostsTheFormBodyToThePartner(string sample, string script, bool installed, string isInstalled)
    {
        await using var partner = await PartnerStub.StartAsync();
        using var harness = new EngineHarness(sample);
        harness.Folder.CopySample(sample).Replace(script, "https://partner.example", partner.BaseAddress);
        harness.Secrets.Set(sample, "PARTNER-API-SECRET", "k-123");
        using var tenant = harness.Load();

        var result = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(installed, tenantId: sample), CancellationToken.None);

        result.Status.Should().Be(InvocationStatus.Succeeded, result.Error);
        var request = partner.Requests.Should().ContainSingle().Subject;
        request.Method.Should().Be("POST");
        request.Path.Should().Be("/wallet/installation");
        request.ContentType.Should().StartWith("application/x-www-form-urlencoded");
        request.Headers["X-API-KEY"].Should().Be("k-123");
        request.Body.Should().Be($"customerId=C42&isInstalled={isInstalled}&device=apple");
    }

    [Fact]
    public async Task PartnerErrorDoesNotFailTheHookBecauseTheSampleSetsThrowOnErrorFalse()
    {
        await using var partner = await PartnerStub.StartAsync();
        partner.Handler = PartnerStub.Respond(503, "down");
        using var harness = new EngineHarness("acme-crm");
        harness.Folder.CopySample("acme-crm").Replace("server/script/passInstallation.csx", "https://partner.example", partner.BaseAddress);
        harness.Secrets.Set("acme-crm", "PARTNER-API-SECRET", "k-123");
        using var tenant = harness.Load();

        var result = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(tenantId: "acme-crm"), CancellationToken.None);

        result.Status.Should().Be(InvocationStatus.Succeeded);
        partner.Requests.Should().ContainSingle();
    }

    [Theory]
    [InlineData("loyalty", "server/script/customProvider.csx", "https://loyalty.example")]
    [InlineData("acme-typed", "server/script/CrmSync.csx", "https://loyalty.example")]
    public async Task CustomerProviderMapsThePartnersJsonIntoPassData(string sample, string script, string url)
    {
        await using var partner = await PartnerStub.StartAsync();
        partner.Handler = PartnerStub.Respond(200, """{"points":120,"tier":"gold","name":"Ada"}""");
        using var harness = new EngineHarness(sample);
        harness.Folder.CopySample(sample).Replace(script, url, partner.BaseAddress);
        harness.Secrets.Set(sample, "LOYALTY-API-KEY", "l-456");
        using var tenant = harness.Load();

        var result = await tenant.FillAsync("customProvider", TestEvents.Fill(tenantId: sample), CancellationToken.None);

        result.Status.Should().Be(InvocationStatus.Succeeded, result.Error);
        result.Data!.ToJsonString().Should().Be("""{"points":120,"tier":"gold"}""");
        partner.Requests.Should().ContainSingle().Which.Path.Should().Be("/customers/C42");
        partner.Requests[0].Headers["X-API-KEY"].Should().Be("l-456");
    }
}
