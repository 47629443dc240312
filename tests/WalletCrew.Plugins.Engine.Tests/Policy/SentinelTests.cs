using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;
using WalletCrew.Plugins.Engine.Policy;

namespace WalletCrew.Plugins.Engine.Tests.Policy;

public sealed class SentinelTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "wcp-policy-sentinel", Guid.NewGuid().ToString("N"));

    public SentinelTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData("""System.IO.File.WriteAllText(@"{0}", "escaped");""")]
    [InlineData("""using var s = new System.IO.FileStream(@"{0}", System.IO.FileMode.CreateNew);""")]
    [InlineData("""foreach (var _ in new[] { 1 }) { System.IO.File.AppendAllText(@"{0}", "escaped"); }""")]
    public void RejectedScriptLeavesNoSideEffectBecauseCheckNeverEmitsOrRuns(string template)
    {
        var sentinel = Path.Combine(_directory, "sentinel.txt");
        var assemblyName = "sentinel-" + Guid.NewGuid().ToString("N");
        var (compilation, userTree) = ScriptCompilation.Create(template.Replace("{0}", sentinel, StringComparison.Ordinal), assemblyName);

        var diagnostics = ApiPolicy.Default.Check(compilation, userTree, CancellationToken.None);

        diagnostics.Should().NotBeEmpty();
        File.Exists(sentinel).Should().BeFalse();
        AssemblyLoadContext.All.SelectMany(c => c.Assemblies).Should().NotContain(a => a.GetName().Name == assemblyName);
        Directory.EnumerateFileSystemEntries(_directory).Should().BeEmpty();
    }

    [Fact]
    public void SentinelScriptDoesWriteTheFileWhenEmittedAndRunSoTheNoSideEffectTestCanFail()
    {
        var sentinel = Path.Combine(_directory, "sentinel.txt");
        var (compilation, _) = ScriptCompilation.Create($$"""System.IO.File.WriteAllText(@"{{sentinel}}", "escaped");""");

        RunInCollectibleContext(compilation);

        File.Exists(sentinel).Should().BeTrue();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void RunInCollectibleContext(Microsoft.CodeAnalysis.CSharp.CSharpCompilation compilation)
    {
        using var image = new MemoryStream();
        compilation.Emit(image).Success.Should().BeTrue();
        image.Position = 0;
        var context = new AssemblyLoadContext("sentinel-control", isCollectible: true);
        try
        {
            var entryPoint = context.LoadFromStream(image).EntryPoint!;
            entryPoint.Invoke(null, entryPoint.GetParameters().Length == 0 ? null : [Array.Empty<string>()]);
        }
        catch (TargetInvocationException e)
        {
            throw e.InnerException!;
        }
        finally
        {
            context.Unload();
        }
    }
}
