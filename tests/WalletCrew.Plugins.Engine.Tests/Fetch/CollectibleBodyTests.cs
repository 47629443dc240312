using System.Runtime.CompilerServices;
using System.Runtime.Loader;
using System.Text.Json;
using WalletCrew.Plugins.Engine.Tests.Support;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using WalletCrew.Plugins.Engine.Fetch;

namespace WalletCrew.Plugins.Engine.Tests.Fetch;

/// <summary>Encoding a tenant's object must leave its collectible context free to unload.</summary>
[Collection(UnloadCollection.Name)] // GC-driven: never beside a test that unloads (and so clears the caches this one observes)
public sealed class CollectibleBodyTests
{
    private static readonly byte[] PayloadAssembly = Compile(
        "public class Payload { public string Name { get; set; } = \"n\"; public int Count { get; set; } = 2; "
        + "public Inner Child { get; set; } = new Inner(); } public class Inner { public bool On { get; set; } = true; }");

    [Fact]
    public void BodyAndOptionsOfACollectibleTypeDoNotPinItsContext()
    {
        var context = EncodeInCollectibleContext(type =>
        {
            var body = Activator.CreateInstance(type)!;
            System.Text.Encoding.UTF8.GetString(JsonBodyWriter.Write(body)).Should().Be("""{"Name":"n","Count":2,"Child":{"On":true}}""");
            HeaderReader.Read(body, []).Should().HaveCount(2, "Child is not a header value and is reported");
            FetchOptionsReader.Read(new FetchOptions { Body = body }).Body.Should().BeSameAs(body);
        });

        WaitForUnload(context).Should().BeTrue();
    }

    [Fact]
    public void ReflectionSerializerWouldPinTheSameContext() // negative control: why JsonBodyWriter exists
    {
        var context = EncodeInCollectibleContext(type => JsonSerializer.Serialize(Activator.CreateInstance(type), type));

        WaitForUnload(context).Should().BeFalse();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference EncodeInCollectibleContext(Action<Type> use)
    {
        var context = new AssemblyLoadContext("payload", isCollectible: true);
        var assembly = context.LoadFromStream(new MemoryStream(PayloadAssembly));
        use(assembly.GetType("Payload")!);
        context.Unload();
        return new WeakReference(context);
    }

    private static bool WaitForUnload(WeakReference context)
    {
        for (var i = 0; i < 20 && context.IsAlive; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        return !context.IsAlive;
    }

    private static byte[] Compile(string source)
    {
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p) is "System.Runtime.dll" or "System.Private.CoreLib.dll")
            .Select(p => MetadataReference.CreateFromFile(p));
        var compilation = CSharpCompilation.Create(
            "Payload", [CSharpSyntaxTree.ParseText(source)], references, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        using var pe = new MemoryStream();
        var result = compilation.Emit(pe);
        result.Success.Should().BeTrue(string.Join("\n", result.Diagnostics));
        return pe.ToArray();
    }
}
