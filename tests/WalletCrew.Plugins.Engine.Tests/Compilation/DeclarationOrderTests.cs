using WalletCrew.Plugins.Engine.Tests.Policy;
using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Engine.Tests.Compilation;

/// <summary>
/// A script may declare types before, between and after its statements, as C# script allows; every diagnostic (compile
/// error, policy violation, binding error, runtime stack trace) still names the user's own line and column. Compiled as a
/// program with top-level statements, as the engine does, a type before a statement fails with CS8803.
/// </summary>
public sealed class DeclarationOrderTests
{
    private const string File = "server/script/connector.csx";

    private const string Interleaved = """
        using System.Globalization;

        record Payload(string Id);

        Task onPassInstalled(string passId)
        {
            var payload = new Payload(passId);
            Log.LogInformation("{Text}", Tiers.Describe(payload) + " " + new Late(7).N.ToString(CultureInfo.InvariantCulture));
            return Task.CompletedTask;
        }

        static class Tiers
        {
            public static string Describe(Payload payload) => "payload " + payload.Id + " " + (Tiers.Shape() is null ? "none" : "shaped");

            public static object Shape() => new { OnPassInstalled = (string id) => Task.CompletedTask };
        }

        enum Tier { Silver, Gold }

        context.register("runtime.wallet.passUpdater", new { OnPassInstalled = onPassInstalled });

        record Late(int N);
        """;

    [Fact]
    public async Task TypesBeforeBetweenAndAfterStatementsLoadAndRun()
    {
        using var harness = new EngineHarness();

        using var tenant = harness.Load(Interleaved);

        tenant.Diagnostics.Should().BeEmpty();
        var result = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);
        result.Status.Should().Be(InvocationStatus.Succeeded, result.Error);
        result.Log.Select(e => e.Message).Should().ContainSingle().Which.Should().Be("payload P1 shaped 7");
    }

    [Fact]
    public async Task SourceGeneratedTypesDeclaredAboveTheStatementsWork()
    {
        await using var stub = await PartnerStub.StartAsync();
        stub.Handler = PartnerStub.Respond(200, """{"points":120,"tier":"gold"}""");
        using var harness = new EngineHarness();

        using var tenant = harness.Load($$"""
            using Refit;
            using System.Text.Json.Serialization;

            public interface ILoyaltyApi
            {
                [Get("/customers/{id}")]
                Task<Customer> GetCustomerAsync(string id);
            }

            public sealed record Customer(int Points, string Tier);

            [JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
            [JsonSerializable(typeof(Customer))]
            internal sealed partial class LoyaltyJson : JsonSerializerContext;

            var api = RestService.ForGenerated<ILoyaltyApi>(Context.CreateHttpClient("{{stub.BaseAddress}}"), LoyaltyJson.Default);
            context.register("runtime.scriptable.customerProvider.refit", new
            {
                Fill = async (string passId, string passType, IReadOnlyDictionary<string, string> identifiers) =>
                    new { tier = (await api.GetCustomerAsync(identifiers["customerId"])).Tier },
            });
            """);

        tenant.Diagnostics.Should().BeEmpty();
        var result = await tenant.FillAsync("refit", TestEvents.Fill(), CancellationToken.None);
        result.Status.Should().Be(InvocationStatus.Succeeded, result.Error);
        result.Data!.ToJsonString().Should().Be("""{"tier":"gold"}""");
    }

    [Fact]
    public void NegativeControlTheSameScriptCompiledAsItIsWrittenFailsWithCS8803()
    {
        var (compilation, _) = ScriptCompilation.Create(Interleaved);

        ScriptCompilation.CompilerErrors(compilation).Select(d => d.Id).Should().Contain("CS8803");
    }

    [Fact]
    public void CompileErrorsInAMovedTypeAndInAStatementAfterItKeepTheirLineAndColumn()
    {
        using var harness = new EngineHarness();

        using var tenant = harness.Load("""
            record Payload(string Id)
            {
                public int Size => Id.Lenght;
                public object Shape() => new { OnPassInstalled = (string id) => Task.CompletedTask, Size = Id.Lenght };
            }
            var payload = new Payload("a");
                int wrong = "text";
            """);

        tenant.Diagnostics.Select(d => d.ToString()).Should().Equal(
            $"{File}(3,27): error CS1061: 'string' does not contain a definition for 'Lenght' and no accessible extension method 'Lenght' accepting a first argument of type 'string' could be found (are you missing a using directive or an assembly reference?)",
            $"{File}(4,99): error CS1061: 'string' does not contain a definition for 'Lenght' and no accessible extension method 'Lenght' accepting a first argument of type 'string' could be found (are you missing a using directive or an assembly reference?)",
            $"{File}(7,17): error CS0029: Cannot implicitly convert type 'string' to 'int'");
    }

    [Theory]
    [InlineData("#nullable disable", "#nullable restore")]
    [InlineData("#pragma warning disable CS8625", "#pragma warning restore CS8625")]
    public void AMovedTypeKeepsTheNullableContextAndWarningStateOfItsPlace(string disable, string restore)
    {
        using var harness = new EngineHarness();

        using var tenant = harness.Load($$"""
            {{disable}}
            class Box { public string Value = null; }
            {{restore}}
            var box = new Box();
            """);

        tenant.Diagnostics.Where(d => d.Code != "WCP0108").Should().BeEmpty("only the 'registers nothing' warning remains");
    }

    [Fact]
    public void NegativeControlWithoutTheDirectiveTheMovedTypesWarningIsReportedAtItsPlace()
    {
        using var harness = new EngineHarness();

        using var tenant = harness.Load("""
            // no directive
            class Box { public string Value = null; }
            var box = new Box();
            """);

        tenant.Diagnostics.Where(d => d.Code != "WCP0108").Select(d => (d.Line, d.Column, d.Code)).Should().Equal((2, 35, "CS8625"));
    }

    [Fact]
    public void PolicyViolationsInAMovedTypeAndInAStatementAfterItKeepTheirLineAndColumn()
    {
        using var harness = new EngineHarness();

        using var tenant = harness.Load("""
            static class Disk
            {
                public static string Read() =>   System.IO.File.ReadAllText("/etc/hostname");
            }
            var text = Disk.Read();
              System.IO.File.Delete("/tmp/x");
            """);

        tenant.Diagnostics.Where(d => d.IsError).Select(d => (d.Line, d.Column, d.Code)).Should().Equal(
            (3, 38, "WCP1001"),
            (6, 3, "WCP1001"));
    }

    [Fact]
    public void BindingErrorRaisedFromAMovedTypeIsReportedAtItsOwnLine()
    {
        using var harness = new EngineHarness();

        using var tenant = harness.Load("""
            static class Registration
            {
                // An async method's body (its state machine) stays a frame of its own: the locator reads its line from the PDB.
                public static async Task Run()
                {
                    await Task.Yield();
                    context.register("runtime.wallet.passUpdatr", new Hooks { ["OnPassInstalled"] = (string passId) => { } });
                }
            }
            await Registration.Run();
            """);

        tenant.Diagnostics.Select(d => d.ToString()).Should().ContainSingle().Which.Should().StartWith(
            $"{File}(7,9): error WCP0101: Unknown registration key 'runtime.wallet.passUpdatr'.");
    }

    [Fact]
    public async Task ExceptionThrownInAMovedTypeNamesItsLineFromACompiledAndACachedImage()
    {
        var cache = Path.Combine(Path.GetTempPath(), "wcp-order-" + Guid.NewGuid().ToString("N"));
        try
        {
            const string script = """
                class Crm
                {
                    public static Task Refuse(string passId) =>
                        throw new InvalidOperationException($"CRM refused {passId}");
                }
                context.register("runtime.wallet.passUpdater", new { OnPassInstalled = (string passId) => Crm.Refuse(passId) });
                """;
            foreach (var expectedStatistics in new[] { new CompileStatistics(1, 0), new CompileStatistics(0, 1) })
            {
                using var harness = new EngineHarness(compileCache: cache);
                using var tenant = harness.Load(script);

                var result = await tenant.InvokePassUpdatersAsync(TestEvents.Installation(), CancellationToken.None);

                harness.Engine.CompileStatistics.Should().Be(expectedStatistics);
                result.Status.Should().Be(InvocationStatus.Failed);
                result.Error.Should().Be($"InvalidOperationException: CRM refused P1 (at {File}:line 4)");
            }
        }
        finally
        {
            if (Directory.Exists(cache))
            {
                Directory.Delete(cache, recursive: true);
            }
        }
    }
}
