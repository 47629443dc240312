using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Engine.Tests.Refit;

/// <summary>
/// A typed client's headers obey fetch's rules: no line breaks in a value, whatever type Refit formatted it from, and no
/// framing headers (<c>Host</c>, <c>Content-Length</c>, <c>Transfer-Encoding</c>). Before the typed client's handler judged
/// the request's headers, Refit added them without validation and each spelling below reached the stub or the wire.
/// </summary>
public sealed class TypedClientHeaderTests
{
    public static TheoryData<string, string> Refused => new()
    {
        { "await api.StaticHost();", "Header `Host` is set by the platform and cannot be given." },
        { "await api.Host(\"evil.example\");", "Header `Host` is set by the platform and cannot be given." },
        { "await api.Many(new Dictionary<string, string> { [\"host\"] = \"evil.example\" });", "Header `Host` is set by the platform and cannot be given." },
        { "await api.Chunked(\"chunked\", \"{}\");", "Header `Transfer-Encoding` is set by the platform and cannot be given." },
        { "await api.Length(\"1\", \"{}\");", "Header `Content-Length` is set by the platform and cannot be given." },
    };

    // Refit itself removes CR and LF from the header values it formats, before any handler sees them; these spellings
    // prove no injected header reaches the partner. The handler's own check (ConnectorHttpHandlerTests) covers values
    // that arrive with a line break.
    public static TheoryData<string> LineBreaks => new()
    {
        "await api.Trace(\"a\\r\\nInjected: 1\");",
        "await api.Trace(\"a\\nInjected: 1\");",
        "await api.TraceObject(new Evil());",
        "await api.TraceObject(new Uri(\"https://partner.example/?q=a\\nInjected: 1\"));",
        "await api.Many(new Dictionary<string, string> { [\"X-Trace\"] = \"a\\r\\nInjected: 1\" });",
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task TypedClientRequestWithABadHeaderIsRefusedBeforeSending(string call, string error)
    {
        await using var stub = await PartnerStub.StartAsync();
        using var harness = new EngineHarness();
        using var tenant = harness.Load(Script(stub.BaseAddress, call), "refitProvider.csx");
        tenant.Diagnostics.Should().BeEmpty();

        var result = await tenant.FillAsync("refit", TestEvents.Fill(), CancellationToken.None);

        result.Status.Should().Be(InvocationStatus.Failed);
        result.Error.Should().Contain(error);
        stub.Requests.Should().BeEmpty();
    }

    [Theory]
    [MemberData(nameof(LineBreaks))]
    public async Task LineBreakInATypedClientHeaderNeverReachesTheWire(string call)
    {
        await using var stub = await PartnerStub.StartAsync();
        using var harness = new EngineHarness();
        using var tenant = harness.Load(Script(stub.BaseAddress, call), "refitProvider.csx");

        await tenant.FillAsync("refit", TestEvents.Fill(), CancellationToken.None);

        stub.Requests.Should().OnlyContain(r => !r.Headers.ContainsKey("Injected") && r.Headers["X-Trace"].IndexOfAny(new[] { '\r', '\n' }) < 0);
    }

    [Fact]
    public async Task NegativeControlPlainHeadersAndABodyAreSent()
    {
        await using var stub = await PartnerStub.StartAsync();
        using var harness = new EngineHarness();
        using var tenant = harness.Load(Script(stub.BaseAddress, """
            await api.Plain("ok", "seven");
            await api.TraceObject(new Uri("https://partner.example/a%0D%0Ab"));
            await api.Many(new Dictionary<string, string> { ["X-Trace"] = "fine" });
            """), "refitProvider.csx");

        var result = await tenant.FillAsync("refit", TestEvents.Fill(), CancellationToken.None);

        result.Status.Should().Be(InvocationStatus.Succeeded, result.Error);
        stub.Requests.Select(r => r.Headers["X-Trace"]).Should().Equal("ok", "https://partner.example/a%0D%0Ab", "fine");
        stub.Requests[0].Body.Should().Be("seven");
    }

    private static string Script(string baseAddress, string call) => $$"""
        using Refit;
        using System.Text.Json.Serialization;

        var api = RestService.ForGenerated<IApi>(Context.CreateHttpClient("{{baseAddress}}"), ApiJson.Default);

        async Task<object> fill(string passId, string passType, IReadOnlyDictionary<string, string> identifiers)
        {
            {{call}}
            return new { ok = true };
        }

        context.register("runtime.scriptable.customerProvider.refit", new { Fill = fill });

        public interface IApi
        {
            [Get("/h")] Task Trace([Header("X-Trace")] string value);
            [Get("/h")] Task TraceObject([Header("X-Trace")] object value);
            [Get("/h")] Task Many([HeaderCollection] IDictionary<string, string> headers);
            [Get("/h")] [Headers("Host: evil.example")] Task StaticHost();
            [Get("/h")] Task Host([Header("Host")] string host);
            [Post("/h")] Task Chunked([Header("Transfer-Encoding")] string te, [Body] string body);
            [Post("/h")] Task Length([Header("Content-Length")] string length, [Body] string body);
            [Post("/h")] Task Plain([Header("X-Trace")] string value, [Body] string body);
        }

        public sealed class Evil
        {
            public override string ToString() => "a\r\nInjected: 1";
        }

        [JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
        [JsonSerializable(typeof(string))]
        internal sealed partial class ApiJson : JsonSerializerContext;
        """;
}
