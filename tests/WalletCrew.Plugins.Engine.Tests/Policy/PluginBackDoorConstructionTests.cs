using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Engine.Tests.Policy;

/// <summary>The plugin side of <see cref="BackDoorConstructionTests"/>: read from the assembly's generic instantiations.</summary>
public sealed class PluginBackDoorConstructionTests
{
    private const string Hook = """
        using WalletCrew.Plugins;
        public sealed class Sync : IPassUpdater
        {
            public Task OnPassInstalledAsync(PassInstallationEvent e, CancellationToken cancellationToken) => Task.CompletedTask;
            public Task OnPassUninstalledAsync(PassInstallationEvent e, CancellationToken cancellationToken) => Task.CompletedTask;
        }
        public class Holder { public System.Net.Http.HttpClient? Http { get; set; } }

        """;

    public static TheoryData<string, string, string> Spellings => new()
    {
        // Each loaded before PluginConstruction existed.
        { "Deserialize<HttpClient>", """public static class Door { public static object? Open() => System.Text.Json.JsonSerializer.Deserialize<System.Net.Http.HttpClient>("{}"); }""", "System.Net.Http.HttpClient..ctor" },
        { "a holder", """public static class Door { public static object? Open() => System.Text.Json.JsonSerializer.Deserialize<Holder>("{}"); }""", "System.Net.Http.HttpClient..ctor" },
        { "a list of holders", """public static class Door { public static object? Open() => System.Text.Json.JsonSerializer.Deserialize<List<Holder[]>>("[]"); }""", "System.Net.Http.HttpClient..ctor" },
        { "JsonNode.Deserialize", """public static class Door { public static object? Open() => System.Text.Json.JsonSerializer.Deserialize<Holder>(System.Text.Json.Nodes.JsonNode.Parse("{}")); }""", "System.Net.Http.HttpClient..ctor" },
        { "Lazy<HttpClient>", """public static class Door { public static object Open() => new Lazy<System.Net.Http.HttpClient>().Value; }""", "System.Net.Http.HttpClient..ctor" },
        { "a generic holder", """public class Box<T> { public T? Value { get; set; } } public static class Door { public static object? Open() => System.Text.Json.JsonSerializer.Deserialize<Box<System.Net.Http.HttpClient>>("{}"); }""", "System.Net.Http.HttpClient..ctor" },
        { "a generic forwarding its parameter", """public static class Door { public static T? Parse<T>(string s) => System.Text.Json.JsonSerializer.Deserialize<T>(s); public static object? Open() => Parse<System.Net.Http.HttpClient>("{}"); }""", "generic parameter !!0" },
        { "the overload taking a Type", """public static class Door { public static object? Open() => System.Text.Json.JsonSerializer.Deserialize("{}", typeof(Holder)); }""", "System.Text.Json.JsonSerializer.Deserialize(…, System.Type, …)" },
        { "GetTypeInfo by typeof", """public static class Door { public static object Open() => System.Text.Json.JsonSerializerOptions.Default.GetTypeInfo(typeof(System.Net.Http.HttpClient)); }""", "System.Text.Json.JsonSerializerOptions.GetTypeInfo(…, System.Type, …)" },
        { "Refit deserializing a partner's answer", """
            public interface IApi { [Refit.Get("/h")] Task<Holder> Get(); }
            public static class Door { public static IApi Open(IConnectorContext c) => Refit.RestService.ForGenerated<IApi>(c.CreateHttpClient("https://partner.example"), new Refit.RefitSettings()); }
            """, "System.Net.Http.HttpClient..ctor" },
        { "Refit's ApiResponse of a holder", """
            public interface IApi { [Refit.Get("/h")] Task<Refit.ApiResponse<Holder>> Get(); }
            public static class Door { public static IApi Open(IConnectorContext c) => Refit.RestService.ForGenerated<IApi>(c.CreateHttpClient("https://partner.example"), new Refit.RefitSettings()); }
            """, "System.Net.Http.HttpClient..ctor" },
    };

    [Theory]
    [MemberData(nameof(Spellings))]
    public void APluginCannotHaveAnHttpClientConstructedForIt(string name, string source, string symbol)
    {
        using var harness = new EngineHarness();
        PluginCompiler.CompileInto(harness.Folder, "DoorPlugin", Hook + source, [.. PluginCompiler.HostAbstractions, .. RefitReferences()]);

        using var tenant = harness.Load();

        tenant.Diagnostics.Should().Contain(d => d.Code == "WCP0310" && d.Message.Contains($"'{symbol}'", StringComparison.Ordinal), because: $"'{name}' must be refused");
        tenant.PassUpdaterCount.Should().Be(0);
    }

    [Fact]
    public void APluginDeserializingOrdinaryDataLoads()
    {
        using var harness = new EngineHarness();
        PluginCompiler.CompileInto(harness.Folder, "DataPlugin", Hook + """
            public class Dto { public string? Name { get; set; } public List<int> Ids { get; set; } = []; public Uri? Link { get; set; } public Dictionary<string, System.Text.Json.JsonElement> Extra { get; set; } = []; public Dto? Next { get; set; } }
            public record Line(string Id, decimal Amount, DateTimeOffset At);
            public interface IApi { [Refit.Get("/d")] Task<Dto> Get(); [Refit.Get("/l")] Task<Refit.ApiResponse<Line[]>> Lines(); }
            public static class Reader
            {
                public static Dto? Read(string s) => System.Text.Json.JsonSerializer.Deserialize<Dto>(s);
                public static Line[]? Lines(string s) => System.Text.Json.JsonSerializer.Deserialize<Line[]>(s);
                public static T? Parse<T>(string s) where T : new() => System.Text.Json.JsonSerializer.Deserialize<T>(s);
                public static IApi Api(IConnectorContext c) => Refit.RestService.ForGenerated<IApi>(c.CreateHttpClient("https://partner.example"), new Refit.RefitSettings());
                public static string Lazy() => new Lazy<string>(() => "x").Value;
            }
            """, [.. PluginCompiler.HostAbstractions, .. RefitReferences()]);

        using var tenant = harness.Load();

        tenant.Diagnostics.Select(d => d.Message).Should().BeEmpty();
        tenant.PassUpdaterCount.Should().Be(1);
    }

    [Fact]
    public void WideningHttpClientLetsTheSamePluginLoad()
    {
        // Negative control: HttpClient's rule, not the shape of the code, is what refused the holder.
        using var harness = new EngineHarness(widenPolicy: b => b.Type("System.Net.Http.HttpClient"));
        PluginCompiler.CompileInto(harness.Folder, "DoorPlugin", Hook + """
            public static class Door { public static object? Open() => System.Text.Json.JsonSerializer.Deserialize<Holder>("{}"); }
            """, [.. PluginCompiler.HostAbstractions, .. RefitReferences()]);

        using var tenant = harness.Load();

        tenant.Diagnostics.Select(d => d.Message).Should().BeEmpty();
        tenant.PassUpdaterCount.Should().Be(1);
    }

    private static IEnumerable<Microsoft.CodeAnalysis.MetadataReference> RefitReferences() =>
        Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory, "connector-libs"), "*.dll")
            .Select(p => (Microsoft.CodeAnalysis.MetadataReference)Microsoft.CodeAnalysis.MetadataReference.CreateFromFile(p));
}
