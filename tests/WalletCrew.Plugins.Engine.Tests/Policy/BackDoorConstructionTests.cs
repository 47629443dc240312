using Microsoft.CodeAnalysis;
using WalletCrew.Plugins.Engine.Policy;
using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Engine.Tests.Policy;

/// <summary>
/// A type whose constructor or setters the allow-list refuses (HttpClient above all: only Context.CreateHttpClient hands one
/// out) cannot be obtained through something that constructs it for tenant code. Each spelling passed the policy before the
/// construction rule (ConstructionRule) existed.
/// </summary>
public sealed class BackDoorConstructionTests
{
    private const string Holder = "class Holder { public System.Net.Http.HttpClient? Http { get; set; } }";
    private const string RefusedConstructor = "'System.Net.Http.HttpClient.HttpClient()' is not allowed in connectors";

    public static TheoryData<string, string, string> Spellings => new()
    {
        { "JsonSerializer.Deserialize<HttpClient>", """var c = JsonSerializer.Deserialize<System.Net.Http.HttpClient>("{}");""", RefusedConstructor },
        { "a tenant type holding an HttpClient", $$"""var h = JsonSerializer.Deserialize<Holder>("{\"Http\":{ } }"); {{Holder}}""", RefusedConstructor },
        { "a private [JsonInclude] field", """var h = JsonSerializer.Deserialize<P>("{}"); class P { [System.Text.Json.Serialization.JsonInclude] private System.Net.Http.HttpClient? _http; }""", RefusedConstructor },
        { "a positional record", """var r = JsonSerializer.Deserialize<R>("{}"); record R(System.Net.Http.HttpClient Http);""", RefusedConstructor },
        { "a list of them", """var l = JsonSerializer.Deserialize<List<System.Net.Http.HttpClient>>("[{}]");""", RefusedConstructor },
        { "a holder nested in a dictionary", $$"""var d = JsonSerializer.Deserialize<Dictionary<string, Holder[]>>("{}"); {{Holder}}""", RefusedConstructor },
        { "the overload taking a Type", """var o = JsonSerializer.Deserialize("{}", typeof(System.Net.Http.HttpClient));""", RefusedConstructor },
        { "JsonNode.Deserialize", $$"""var h = JsonNode.Parse("{}").Deserialize<Holder>(); {{Holder}}""", RefusedConstructor },
        { "JsonElement.Deserialize", """var c = JsonDocument.Parse("{}").RootElement.Deserialize<System.Net.Http.HttpClient>();""", RefusedConstructor },
        { "GetTypeInfo by typeof", """var i = JsonSerializerOptions.Default.GetTypeInfo(typeof(System.Net.Http.HttpClient));""", RefusedConstructor },
        { "[JsonSerializable] for the source generator", """var x = 1; [System.Text.Json.Serialization.JsonSerializable(typeof(System.Net.Http.HttpClient))] class Marker { }""", RefusedConstructor },
        { "new T() in a tenant generic", """var c = Make<System.Net.Http.HttpClient>(); static T Make<T>() where T : new() => new T();""", RefusedConstructor },
        { "new T() in a generic class", """var c = new Factory<System.Net.Http.HttpClient>().Make(); class Factory<T> where T : new() { public T Make() => new T(); }""", RefusedConstructor },
        { "a default interface member", """
            IMake<System.Net.Http.HttpClient> m = new Maker();
            var c = m.Make();
            interface IMake<T> where T : new() { T Make() => new T(); }
            class Maker : IMake<System.Net.Http.HttpClient> { }
            """, RefusedConstructor },
        { "Lazy<T> with no factory", """var c = new Lazy<System.Net.Http.HttpClient>().Value;""", RefusedConstructor },
        { "Lazy<T, TMetadata> with no factory", """var c = new Lazy<System.Net.Http.HttpClient, string>("m").Value;""", RefusedConstructor },
        { "a derived class", """var c = new Mine(); class Mine : System.Net.Http.HttpClient { }""", RefusedConstructor },
        { "a derived class deserialized", """var c = JsonSerializer.Deserialize<Mine>("{}"); class Mine : System.Net.Http.HttpClient { public Mine() : base() { } }""", RefusedConstructor },
        { "a refused setter", """var s = JsonSerializer.Deserialize<System.Net.Http.HttpClient>("{\"Timeout\":\"00:00:01\"}");""", RefusedConstructor },
        { "Refit deserializing a partner's answer", $$"""
            var api = Refit.RestService.ForGenerated<IApi>(Context.CreateHttpClient("https://partner.example"), new Refit.RefitSettings());
            public interface IApi { [Refit.Get("/holder")] Task<Holder> Get(); }
            public {{Holder}}
            """, RefusedConstructor },
        // A System.Type no typeof named: the rule judged only typeof's, and the serializer constructs whatever Type it is given.
        { "JsonConverter<T>.Type handed to the deserializer", """
            var c = (System.Net.Http.HttpClient)JsonSerializer.Deserialize("{}", new Conv().Type!)!;
            class Conv : System.Text.Json.Serialization.JsonConverter<System.Net.Http.HttpClient>
            {
                public override System.Net.Http.HttpClient? Read(ref Utf8JsonReader r, Type t, JsonSerializerOptions o) => null;
                public override void Write(Utf8JsonWriter w, System.Net.Http.HttpClient v, JsonSerializerOptions o) { }
            }
            """, "'System.Text.Json.Serialization.JsonConverter<System.Net.Http.HttpClient>.Type' is not allowed in connectors: it hands the connector a System.Type" },
        { "a converter's Type parameter handed on", """
            var options = new JsonSerializerOptions { Converters = { new Conv() } };
            class Conv : System.Text.Json.Serialization.JsonConverter<object>
            {
                public override object? Read(ref Utf8JsonReader r, Type t, JsonSerializerOptions o) => JsonSerializer.Deserialize("{}", t, o);
                public override void Write(Utf8JsonWriter w, object v, JsonSerializerOptions o) { }
            }
            """, "'t (a System.Type parameter)' is not allowed in connectors" },
        { "a factory's CanConvert parameter kept", """
            var options = new JsonSerializerOptions { Converters = { new Factory() } };
            class Factory : System.Text.Json.Serialization.JsonConverterFactory
            {
                public static Type? Seen;
                public override bool CanConvert(Type typeToConvert) { Seen = typeToConvert; return false; }
                public override System.Text.Json.Serialization.JsonConverter? CreateConverter(Type typeToConvert, JsonSerializerOptions options) => null;
            }
            """, "'typeToConvert (a System.Type parameter)' is not allowed in connectors" },
        { "a type info's Type", """
            var type = JsonSerializerOptions.Default.GetTypeInfo(typeof(string)).Type;
            """, "'System.Text.Json.Serialization.Metadata.JsonTypeInfo.Type' is not allowed in connectors: it hands the connector a System.Type" },
        { "a framework method group handing out a Type", """
            Func<Type, Type?> under = Nullable.GetUnderlyingType;
            """, "'System.Nullable.GetUnderlyingType(System.Type)' is not allowed in connectors: it hands the connector a System.Type" },
        { "a tenant generic forwarding to the deserializer", """
            var c = Parse<System.Net.Http.HttpClient>("{}");
            static T Parse<T>(string json) => JsonSerializer.Deserialize<T>(json)!;
            """, "'T' is not allowed in connectors: it is passed where instances of it get constructed" },
    };

    [Theory]
    [MemberData(nameof(Spellings))]
    public void ATypeTenantCodeMayNotConstructCannotBeConstructedForIt(string name, string source, string message)
    {
        var (compilation, userTree) = ScriptCompilation.Create(source);
        ScriptCompilation.CompilerErrors(compilation).Should().BeEmpty(because: $"'{name}' must be valid C#, so the policy is what refuses it");

        var diagnostics = ApiPolicy.Default.Check(compilation, userTree, CancellationToken.None);

        diagnostics.Select(d => d.GetMessage(null)).Should().Contain(m => m.StartsWith(message, StringComparison.Ordinal), because: $"'{name}' must be refused");
    }

    [Theory]
    [InlineData("""var h = JsonSerializer.Deserialize<Dto>("{}"); class Dto { public string? Name { get; set; } public List<int> Ids { get; set; } = []; public Uri? Link { get; set; } public JsonElement Raw { get; set; } public Dictionary<string, JsonNode?> Extra { get; set; } = []; public DateTimeOffset At { get; set; } public Dto? Next { get; set; } }""")]
    [InlineData("""var r = JsonSerializer.Deserialize<R[]>("[]"); record R(string Id, decimal Amount, Guid Key, TimeSpan Ttl, int? Count);""")]
    [InlineData("""var d = Parse<Dto>("{}"); static T Parse<T>(string json) where T : new() => JsonSerializer.Deserialize<T>(json) ?? new T(); class Dto { public int Id { get; set; } }""")]
    [InlineData("""var n = new Lazy<string>(() => "x").Value; var t = typeof(string) == typeof(object);""")]
    [InlineData("""
        var api = Refit.RestService.ForGenerated<IApi>(Context.CreateHttpClient("https://partner.example"), new Refit.RefitSettings());
        var http = Context.CreateHttpClient("https://partner.example");
        public interface IApi { [Refit.Get("/x")] Task<Dto> Get(); [Refit.Post("/y")] Task Post([Refit.Body] Dto dto); }
        public class Dto { public string? Name { get; set; } }
        """)]
    [InlineData("""var e = new Failed("x"); class Failed(string m) : Exception(m);""")]
    // Structs, record structs and enums derive implicitly from ValueType and Enum, whose constructors run no code.
    [InlineData("""var p = new Point(1, 2); var q = new Pair { A = 1 }; var k = Kind.B; struct Point(int x, int y) { public int X => x + y; } record struct Pair { public int A { get; init; } } enum Kind { A, B }""")]
    public void ConstructingOrdinaryDataStaysAllowed(string source)
    {
        var (compilation, userTree) = ScriptCompilation.Create(source);
        ScriptCompilation.CompilerErrors(compilation).Should().BeEmpty();

        ApiPolicy.Default.Check(compilation, userTree, CancellationToken.None).Should().BeEmpty();
    }

    // What the test widens: HttpClient and everything its constructors and setters take.
    private static void AllowHttpClient(AllowListBuilder allow) =>
        allow.Type("System.Net.Http.HttpClient").Namespace("System.Net.Http").Namespace("System.Net.Http.Headers").Namespace("System.Net");

    [Fact]
    public void TheRefusalComesFromTheAllowListNotFromTheShapeOfTheCode()
    {
        // Negative control: the rule follows HttpClient's rule; allowing its constructor lets the same spellings through.
        var (compilation, userTree) = ScriptCompilation.Create($$"""var h = JsonSerializer.Deserialize<Holder>("{}"); var c = new Lazy<System.Net.Http.HttpClient>().Value; {{Holder}}""");

        ApiPolicy.Default.Check(compilation, userTree, CancellationToken.None).Should().NotBeEmpty();
        ApiPolicy.Create(AllowHttpClient).Check(compilation, userTree, CancellationToken.None).Should().BeEmpty();
    }

    [Fact]
    public void ADeserializedHolderReallyGetsItsOwnHttpClientWhenThePolicyAllowsIt()
    {
        // Negative control through the engine: with HttpClient's constructor allowed, the same script does get a client that
        // Context.CreateHttpClient never made; with the default policy it never loads.
        const string Source = $$"""
            var h = JsonSerializer.Deserialize<Holder>("{\"Http\":{ } }")!;
            if (h.Http is not null) context.register("runtime.wallet.passUpdater", new { OnPassInstalled = (string passId) => { } });
            {{Holder}}
            """;
        using (var widened = new EngineHarness(widenPolicy: AllowHttpClient))
        using (var tenant = widened.Load(Source))
        {
            tenant.Diagnostics.Where(d => d.IsError).Select(d => d.Message).Should().BeEmpty();
            tenant.PassUpdaterCount.Should().Be(1, "System.Text.Json constructs the HttpClient the script never could");
        }

        using var harness = new EngineHarness();
        using var refused = harness.Load(Source);
        refused.Diagnostics.Should().Contain(d => d.Code == "WCP1001" && d.Message.StartsWith(RefusedConstructor, StringComparison.Ordinal));
        refused.PassUpdaterCount.Should().Be(0);
    }
}
