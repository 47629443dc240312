using WalletCrew.Plugins.Engine.Fetch;
using WalletCrew.Plugins.Engine.Tenants;
using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Engine.Tests.Limits;

/// <summary>A tenant's tenant.json: overrides within the host maxima, every bad field reported where it is, and reloads.</summary>
public sealed class TenantSettingsTests
{
    private static string FetchTwice(string baseAddress) => $$"""
        async Task onPassInstalled(string passId)
        {
            await fetch("{{baseAddress}}/one");
            await fetch("{{baseAddress}}/two");
        }
        context.register("runtime.wallet.passUpdater", new { OnPassInstalled = onPassInstalled });
        """;

    [Fact]
    public async Task OverridesApplyToTheTenantsInvocations()
    {
        using var harness = new EngineHarness();
        File.WriteAllText(Path.Combine(harness.Folder.Directory, "tenant.json"), """{ "limits": { "invocationTimeoutSeconds": 0.3 } }""");
        using var tenant = harness.Load("""
            async Task onPassInstalled(string passId, string passType, IReadOnlyDictionary<string, string> identifiers, string device, AdditionalPassInstallationInformation info, CancellationToken cancellationToken)
                => await Task.Delay(TimeSpan.FromMinutes(1), cancellationToken);
            context.register("runtime.wallet.passUpdater", new { OnPassInstalled = onPassInstalled });
            """);
        tenant.Diagnostics.Should().BeEmpty();

        var result = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);

        result.Status.Should().Be(InvocationStatus.TimedOut);
        result.Error.Should().Be("The connector did not finish within 0.3 s (limit: InvocationTimeout).");
    }

    [Fact]
    public async Task OverrideAboveTheHostMaximumIsReportedAndTheMaximumApplies()
    {
        await using var partner = await PartnerStub.StartAsync();
        using var folder = new TenantFolder();
        File.WriteAllText(Path.Combine(folder.Directory, "tenant.json"), """
            {
              "limits": {
                "outboundCallsPerInvocation": 50
              }
            }
            """);
        folder.WriteScript("crm.csx", FetchTwice(partner.BaseAddress));
        using var engine = new ConnectorEngine(new ConnectorEngineOptions { AllowLoopback = true, LimitMaxima = new LimitMaxima { OutboundCallsPerInvocation = 1 } });
        using var tenant = engine.LoadTenant(folder.Directory);

        tenant.Diagnostics.Select(d => d.ToString()).Should().Equal(
            "tenant.json(3,35): warning WCP0512: Field `limits.outboundCallsPerInvocation` is 50, above the host's maximum of 1; the maximum applies.");
        var result = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);
        result.Error.Should().StartWith($"InvocationLimitExceededException: Outbound call 2 of this invocation ({partner.BaseAddress}/two) is over the limit of 1 ");
        partner.Requests.Should().ContainSingle();
    }

    [Fact]
    public void EveryBadFieldIsReportedAtOnceWithItsLineAndColumn()
    {
        using var harness = new EngineHarness();
        File.WriteAllText(Path.Combine(harness.Folder.Directory, "tenant.json"), """
            {
              "limits": {
                "invocationTimeout": 5,
                "outboundCallsPerInvocation": "ten",
                "concurrentInvocations": -1,
                "logEntriesPerInvocation": 2.5,
                "logBytesPerInvocation": 4096
              },
              "egres": {},
              "egress": { "allow": ["crm.internal.example", "10.0.0.5", "http://x/", "*.com", 7, "crm.example\n"] }
            }
            """);
        using var tenant = harness.Load("""context.register("runtime.wallet.passUpdater", new { OnPassInstalled = (string passId) => { } });""");

        tenant.Diagnostics.Select(d => d.ToString()).Should().Equal(
            "tenant.json(3,5): error WCP0511: Unknown field `limits.invocationTimeout`; did you mean `limits.invocationTimeoutSeconds`?",
            "tenant.json(4,35): error WCP0511: Field `limits.outboundCallsPerInvocation` must be a whole number, not the string \"ten\"; the host's value applies.",
            "tenant.json(5,30): error WCP0511: Field `limits.concurrentInvocations` must be positive, not -1; the host's value applies.",
            "tenant.json(6,32): error WCP0511: Field `limits.logEntriesPerInvocation` must be a whole number, not the number 2.5; the host's value applies.",
            "tenant.json(9,3): error WCP0511: Unknown field `egres`; did you mean `egress`?",
            "tenant.json(10,49): error WCP0511: Field `egress.allow[1]` is the address `10.0.0.5`; list host names (such as `crm.internal.example` or `*.corp.example`), not addresses.",
            "tenant.json(10,61): error WCP0511: Field `egress.allow[2]` is `http://x/`, which is not a host name; write a name such as `crm.internal.example`, or `*.corp.example` for its subdomains (no scheme, port or path).",
            "tenant.json(10,74): error WCP0511: Field `egress.allow[3]` is `*.com`, which would allow a whole top-level domain; name the organisation's domain, such as `*.corp.example`.",
            "tenant.json(10,83): error WCP0511: Field `egress.allow[4]` must be a host name, not the number 7; the host's value applies.",
            "tenant.json(10,86): error WCP0511: Field `egress.allow[5]` is `crm.example\\n`, which is not a host name; write a name such as `crm.internal.example`, or `*.corp.example` for its subdomains (no scheme, port or path).");
    }

    [Fact]
    public void InvalidJsonIsReportedWithItsPosition()
    {
        using var harness = new EngineHarness();
        File.WriteAllText(Path.Combine(harness.Folder.Directory, "tenant.json"), "{\n  \"limits\": { \"concurrentInvocations\": 8 oops }\n}\n");
        using var tenant = harness.Load("""context.register("runtime.wallet.passUpdater", new { OnPassInstalled = (string passId) => { } });""");

        tenant.Diagnostics.Should().ContainSingle().Which.ToString().Should().Be("tenant.json(2,42): error WCP0510: tenant.json is not valid JSON: 'o' is invalid after a value. Expected either ',', '}', or ']'. The file was ignored: the host's limits apply and no private host is allowed.");
        tenant.PassUpdaterCount.Should().Be(1, "the connectors still load, under the host's limits");
    }

    [Fact]
    public void ValidSettingsAreReadAsWritten()
    {
        var settings = TenantSettingsReader.Read("""
            {
              // comments are allowed
              "limits": { "invocationTimeoutSeconds": 5, "outboundCallsPerInvocation": 10, "concurrentInvocations": 8,
                          "logEntriesPerInvocation": 50, "logBytesPerInvocation": 2048, "requestBodyBytes": 1024, "responseBodyBytes": 4096 },
              "egress": { "allow": ["CRM.internal.example.", "*.corp.example"] }
            }
            """, new LimitMaxima());

        settings.Diagnostics.Should().BeEmpty();
        settings.Should().BeEquivalentTo(new TenantSettings
        {
            InvocationTimeout = TimeSpan.FromSeconds(5),
            OutboundCallsPerInvocation = 10,
            ConcurrentInvocations = 8,
            LogEntriesPerInvocation = 50,
            LogBytesPerInvocation = 2048,
            RequestBodyBytes = 1024,
            ResponseBodyBytes = 4096,
            EgressAllow = ["crm.internal.example", "*.corp.example"],
        });
    }

    [Fact]
    public void EachTenantAndPolicyGetsItsOwnFetchClient()
    {
        using var clients = new TenantFetchClients(new ConnectorEngineOptions());

        var plain = clients.For("a", [], FetchDefaults.MaxRequestBodyBytes, FetchDefaults.MaxResponseBodyBytes);
        clients.For("a", [], FetchDefaults.MaxRequestBodyBytes, FetchDefaults.MaxResponseBodyBytes).Should().BeSameAs(plain);
        clients.For("b", [], FetchDefaults.MaxRequestBodyBytes, FetchDefaults.MaxResponseBodyBytes).Should().NotBeSameAs(plain, "tenants without settings do not share either");
        var own = clients.For("a", ["crm.internal.example"], FetchDefaults.MaxRequestBodyBytes, FetchDefaults.MaxResponseBodyBytes);
        own.Should().NotBeSameAs(plain);
        clients.For("a", ["crm.internal.example"], FetchDefaults.MaxRequestBodyBytes, FetchDefaults.MaxResponseBodyBytes).Should().BeSameAs(own);
        clients.For("b", ["crm.internal.example"], FetchDefaults.MaxRequestBodyBytes, FetchDefaults.MaxResponseBodyBytes).Should().NotBeSameAs(own, "connections are pooled per client");
    }

    [Fact]
    public async Task ChangingTenantJsonReloadsTheTenant()
    {
        await using var partner = await PartnerStub.StartAsync();
        using var harness = new EngineHarness();
        using var tenant = harness.Load(FetchTwice(partner.BaseAddress));
        (await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None)).Status.Should().Be(InvocationStatus.Succeeded);

        File.WriteAllText(Path.Combine(harness.Folder.Directory, "tenant.json"), """{ "limits": { "outboundCallsPerInvocation": 1 } }""");
        (await tenant.ReloadAsync()).Should().BeTrue();
        var result = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);

        result.Status.Should().Be(InvocationStatus.Failed);
        result.Error.Should().Contain("over the limit of 1 (limit: OutboundCallsPerInvocation)");
        (await tenant.ReloadAsync()).Should().BeFalse("nothing changed since");
    }
}
