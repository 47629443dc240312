using System.Reflection;
using Mono.Cecil;
using Mono.Cecil.Cil;
using WalletCrew.Plugins.Engine.Tests.Support;

namespace WalletCrew.Plugins.Engine.Tests.Plugins;

/// <summary>
/// Unsafe code in a plugin is recognised from its IL and signatures, with the compiler's markers deleted; explicit layouts,
/// attributes that switch off runtime checks, and the platform's internals are refused.
/// </summary>
/// <remarks>
/// Before this check, the only unsafe-code test was the module's [UnverifiableCode] marker, which each case here deletes
/// (or never had: stackalloc into a span, explicit layout, __makeref and the attributes need no unsafe context), so every
/// case loaded. The control compiles the same plugin without its hostile member, and it loads.
/// </remarks>
public sealed class PluginUnsafeCodeTests
{
    private const string Memory = "unsafe code and pointers can corrupt memory or crash the host";

    public static TheoryData<string, string, string> Hostile => new()
    {
        { "pointer", "public static unsafe int Peek() { int x = 1; int* p = &x; return *(p + 1000); }", "conv.u of an address or reference in Probe.Peek" },
        { "number as address", "public static unsafe int Deref(nint n) => *(int*)n;", "ldind through a number used as an address in Probe.Deref" },
        { "fixed", "public static unsafe int Pin(int[] a) { fixed (int* p = a) { return p[100000]; } }", "a pointer type in Probe.Pin" },
        { "stackalloc", "public static int Stack() { Span<byte> s = stackalloc byte[4096]; return s[0]; }", "localloc (stackalloc) in Probe.Stack" },
        { "function pointer", "public static unsafe int Call() { delegate*<int, int> f = &Twice; return f(2); } static int Twice(int x) => x * 2;", "calli (a call through a function pointer) in Probe.Call" },
        { "makeref", "public static int Ref() { int x = 1; TypedReference r = __makeref(x); return __refvalue(r, int); }", "mkrefany (__makeref) in Probe.Ref" },
        { "pointer field", "public static unsafe int* Cursor;", "a pointer type in Probe.Cursor" },
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public void UnsafeCodeIsFoundInTheILWithTheCompilersMarkersDeleted(string name, string member, string symbol)
    {
        using var harness = new EngineHarness();
        Deploy(harness, member, allowUnsafe: true);

        using var tenant = harness.Load();

        tenant.Diagnostics.Select(d => d.ToString()).Should().Contain(
            $"server/plugins/Unsafe/Unsafe.dll: error WCP0310: The plugin Unsafe uses '{symbol}', which is not allowed in connectors: {Memory}. "
            + "Nothing from the plugin was loaded; docs/policy.md lists what connectors may use.", name);
        tenant.PassUpdaterCount.Should().Be(0);
    }

    [Fact]
    public void TheSamePluginWithoutTheUnsafeMemberLoads()
    {
        // Control for every case here, and the compiler's own use of constant data ("…"u8, byte initialisers) stays allowed.
        using var harness = new EngineHarness();
        Deploy(harness, """
            public static int Safe() { ReadOnlySpan<byte> a = "abc"u8; ReadOnlySpan<byte> b = new byte[] { 1, 2, 3 }; Span<byte> c = new byte[8]; return a[0] + b[2] + c[1]; }
            public struct Plain { public int A; public object? B; }
            """, allowUnsafe: true);

        using var tenant = harness.Load();

        tenant.Diagnostics.Should().BeEmpty();
        tenant.PassUpdaterCount.Should().Be(1);
    }

    [Fact]
    public void EverydayLanguageFeaturesPassTheILCheck()
    {
        // The address-flow check must not refuse what safe C# compiles to: refs, spans, structs, patterns, async, iterators.
        using var harness = new EngineHarness();
        Deploy(harness, """
            public record struct Pair(int A, string? B);
            public readonly struct Money(decimal amount) { public decimal Amount { get; } = amount; public Money Add(in Money other) => new(Amount + other.Amount); }
            public ref struct Cursor(Span<int> items) { private Span<int> _items = items; public ref int First => ref _items[0]; }
            public enum Tier { Basic = 1, Gold = 2 }
            public static class Features
            {
                private static int s_count;

                public static ref int Largest(int[] values) { ref int best = ref values[0]; for (var i = 1; i < values.Length; i++) { if (values[i] > best) { best = ref values[i]; } } return ref best; }

                public static int Spans(int[] values)
                {
                    Span<int> span = values;
                    span[0] = 3;
                    foreach (ref var item in span) { item++; }
                    var cursor = new Cursor(span);
                    cursor.First = 7;
                    ReadOnlySpan<char> text = "hello".AsSpan(1..3);
                    Largest(values) += 1;
                    return span[^1] + text.Length + values[1..].Length;
                }

                public static string Patterns(object? value, Tier tier) => value switch
                {
                    null => "none",
                    int n when n > 10 => $"big {n:D3} {tier}",
                    string { Length: > 2 } s => s.ToUpperInvariant(),
                    Pair (var a, null) => a.ToString(),
                    Pair p => p.B ?? "",
                    _ => tier switch { Tier.Gold => "gold", _ => "other" },
                };

                public static string Strings(string key) => key switch { "alpha" => "a", "beta" => "b", "gamma" => "c", "delta" => "d", "epsilon" => "e", "zeta" => "z", "eta" => "h", _ => "?" };

                public static async Task<int> Async(IEnumerable<int> numbers, CancellationToken cancellationToken)
                {
                    var total = 0;
                    try
                    {
                        foreach (var n in numbers.Where(x => x % 2 == 0).Select(x => checked(x * 2))) { total += n; await Task.Delay(1, cancellationToken); }
                    }
                    finally
                    {
                        Interlocked.Increment(ref s_count);
                    }

                    int? maybe = total > 3 ? total : null;
                    maybe ??= 0;
                    var (x, y) = (maybe.Value, new Money(1.5m).Add(new Money(2m)).Amount);
                    var map = new Dictionary<string, List<int>> { ["a"] = [1, 2, 3] };
                    map.TryGetValue("a", out var list);
                    return x + (int)y + (list?.Count ?? 0) + Iterate().Sum();
                }

                private static IEnumerable<int> Iterate() { for (var i = 0; i < 3; i++) { yield return i; } }

                public static T Pick<T>(T[] items, Func<T, bool> predicate) where T : struct, IComparable<T> { foreach (var item in items) { if (predicate(item) && item.CompareTo(default) > 0) { return item; } } return default; }
            }
            """, topLevel: true);

        using var tenant = harness.Load();

        tenant.Diagnostics.Should().BeEmpty();
        tenant.PassUpdaterCount.Should().Be(1);
    }

    [Fact]
    public void RawMemoryOpcodesAreRefused()
    {
        // C# has no syntax for initblk; a hand-made assembly does, and writes past the array's end.
        using var harness = new EngineHarness();
        Deploy(harness, "public static void Wipe(byte[] a) { }", change: module =>
        {
            var wipe = module.GetType("Probe").Methods.Single(m => m.Name == "Wipe");
            var il = wipe.Body.GetILProcessor();
            var ret = wipe.Body.Instructions.Last();
            il.InsertBefore(ret, il.Create(OpCodes.Ldarg_0));
            il.InsertBefore(ret, il.Create(OpCodes.Ldc_I4_0));
            il.InsertBefore(ret, il.Create(OpCodes.Ldelema, module.TypeSystem.Byte));
            il.InsertBefore(ret, il.Create(OpCodes.Ldc_I4_0));
            il.InsertBefore(ret, il.Create(OpCodes.Ldc_I4, 1 << 20));
            il.InsertBefore(ret, il.Create(OpCodes.Initblk));
        });

        using var tenant = harness.Load();

        tenant.Diagnostics.Select(d => d.Message).Should().Contain(
            $"The plugin Unsafe uses 'initblk (raw memory fill) in Probe.Wipe', which is not allowed in connectors: {Memory}. "
            + "Nothing from the plugin was loaded; docs/policy.md lists what connectors may use.");
    }

    [Theory]
    [InlineData("Number", true)]
    [InlineData("Reference", false)]
    public void ADelegateOverAMethodOfAnotherShapeIsRefused(string target, bool refused)
    {
        // A Func<object> over a method returning a long would hand out the number as a reference; the runtime does not check.
        // Control: the same delegate over a method returning an object loads.
        using var harness = new EngineHarness();
        Deploy(harness, "public static long Number() => 0x1000; public static object Reference() => new(); public static void Forge() { }", change: module =>
        {
            var probe = module.GetType("Probe");
            var forge = probe.Methods.Single(m => m.Name == "Forge");
            var il = forge.Body.GetILProcessor();
            var ret = forge.Body.Instructions.Last();
            il.InsertBefore(ret, il.Create(OpCodes.Ldnull));
            il.InsertBefore(ret, il.Create(OpCodes.Ldftn, probe.Methods.Single(m => m.Name == target)));
            il.InsertBefore(ret, il.Create(OpCodes.Newobj, module.ImportReference(typeof(Func<object>).GetConstructors().Single())));
            il.InsertBefore(ret, il.Create(OpCodes.Pop));
        });

        using var tenant = harness.Load();

        if (!refused)
        {
            tenant.Diagnostics.Should().BeEmpty();
            return;
        }

        tenant.Diagnostics.Select(d => d.Message).Should().Contain(
            "The plugin Unsafe uses 'a System.Func`1<System.Object> over System.Int64 Probe::Number(), whose signature does not match in Probe.Forge', which is not allowed in connectors: "
            + $"the runtime does not check a delegate's target, so a mismatched one forges values: {Memory}. Nothing from the plugin was loaded; docs/policy.md lists what connectors may use.");
    }

    [Fact]
    public void ANumberPassedAsARefIsRefused()
    {
        // No pointer type anywhere: a plain number handed to a ref parameter, which the JIT accepts.
        using var harness = new EngineHarness();
        Deploy(harness, "public static void Touch(ref int x) => x = 1; public static void Forge() { }", change: module =>
        {
            var probe = module.GetType("Probe");
            var forge = probe.Methods.Single(m => m.Name == "Forge");
            var il = forge.Body.GetILProcessor();
            var ret = forge.Body.Instructions.Last();
            il.InsertBefore(ret, il.Create(OpCodes.Ldc_I4, 0x1000));
            il.InsertBefore(ret, il.Create(OpCodes.Conv_I));
            il.InsertBefore(ret, il.Create(OpCodes.Call, probe.Methods.Single(m => m.Name == "Touch")));
        });

        using var tenant = harness.Load();

        tenant.Diagnostics.Select(d => d.Message).Should().Contain(
            $"The plugin Unsafe uses 'a number passed as an argument as an address or reference in Probe.Forge', which is not allowed in connectors: {Memory}. "
            + "Nothing from the plugin was loaded; docs/policy.md lists what connectors may use.");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ExplicitLayoutIsRefused(bool explicitLayout)
    {
        // Two references at one offset: write an object, read it as a string array. The runtime allows reference over reference.
        // Control: the same struct with a sequential layout loads.
        using var harness = new EngineHarness();
        Deploy(harness, $$"""
            [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.{{(explicitLayout ? "Explicit" : "Sequential")}})]
            public struct Overlay { {{(explicitLayout ? "[System.Runtime.InteropServices.FieldOffset(0)]" : "")}} public object? Box; {{(explicitLayout ? "[System.Runtime.InteropServices.FieldOffset(0)]" : "")}} public string[]? Strings; }
            """, topLevel: true);

        using var tenant = harness.Load();

        if (!explicitLayout)
        {
            tenant.Diagnostics.Should().BeEmpty();
            return;
        }

        tenant.Diagnostics.Select(d => d.Message).Should().Equal(
            "The plugin Unsafe uses 'Overlay', which is not allowed in connectors: an explicit struct layout ([StructLayout(LayoutKind.Explicit)]) can overlap fields and forge references. "
            + "Nothing from the plugin was loaded; docs/policy.md lists what connectors may use.");
    }

    [Theory]
    [InlineData("IgnoresAccessChecksToAttribute", "[assembly: System.Runtime.CompilerServices.IgnoresAccessChecksTo(\"WalletCrew.Plugins.Abstractions\")]",
        "it switches off the runtime's access checks, so the plugin could reach the platform's internal members")]
    [InlineData("SkipLocalsInitAttribute", "[module: System.Runtime.CompilerServices.SkipLocalsInit]", "locals would not be zeroed, so code could read stale stack memory")]
    public void AttributesThatSwitchOffRuntimeChecksAreRefusedEvenAsTheirOwnCopy(string attribute, string use, string reason)
    {
        // The runtime and the compiler match these by name, so a plugin may declare its own copy; no reference to the framework is needed.
        using var harness = new EngineHarness();
        Deploy(harness, $$"""
            namespace System.Runtime.CompilerServices { public sealed class {{attribute}}(string? name = null) : Attribute { public string? Name => name; } }
            public static class Locals { public static int Sum(int[] a) { var t = 0; foreach (var x in a) { t += x; } return t; } }
            """, topLevel: true, header: use);

        using var tenant = harness.Load();

        tenant.Diagnostics.Select(d => d.Message).Should().Contain(
            $"The plugin Unsafe uses '[System.Runtime.CompilerServices.{attribute}]', which is not allowed in connectors: {reason}. "
            + "Nothing from the plugin was loaded; docs/policy.md lists what connectors may use.");
    }

    [Theory]
    [InlineData("IgnoresAccessChecksToAttribute")]
    [InlineData("SkipLocalsInitAttribute")]
    public void DeclaringSuchAnAttributeWithoutUsingItLoads(string attribute)
    {
        // Control for the test above: only the attribute's use is refused.
        using var harness = new EngineHarness();
        Deploy(harness, $$"""
            namespace System.Runtime.CompilerServices { public sealed class {{attribute}}(string? name = null) : Attribute { public string? Name => name; } }
            public static class Locals { public static int Sum(int[] a) { var t = 0; foreach (var x in a) { t += x; } return t; } }
            """, topLevel: true);

        using var tenant = harness.Load();

        tenant.Diagnostics.Should().BeEmpty();
    }

    [Fact]
    public void UnsafeAccessorDeclaredByThePluginIsRefused()
    {
        using var harness = new EngineHarness();
        Deploy(harness, """
            namespace System.Runtime.CompilerServices { public sealed class UnsafeAccessorAttribute(int kind) : Attribute { public string? Name { get; set; } public int Kind => kind; } }
            public static class Peek { [System.Runtime.CompilerServices.UnsafeAccessor(3, Name = "_secret")] public static extern ref string Secret(object target); }
            """, topLevel: true);

        using var tenant = harness.Load();

        tenant.Diagnostics.Select(d => d.Message).Should().Contain(
            "The plugin Unsafe uses 'Peek.Secret', which is not allowed in connectors: a method without a body is filled in by the runtime (InternalCall, [UnsafeAccessor]) and bypasses access checks. "
            + "Nothing from the plugin was loaded; docs/policy.md lists what connectors may use.");
    }

    [Fact]
    public void InternalMembersOfTheAbstractionsAreUnreachable()
    {
        // C# cannot call an internal member of another assembly; a hand-made reference can, given the access check is off.
        using var harness = new EngineHarness();
        // (Not ConnectorCheckpoint's: the weaver refuses any call to the checkpoints before this check runs.)
        var buildEmail = typeof(EmailRequest).GetProperty("BuildEmail", BindingFlags.NonPublic | BindingFlags.Instance)!.GetMethod!;
        Deploy(harness, "public static void Escape() { }", change: module =>
        {
            var escape = module.GetType("Probe").Methods.Single(m => m.Name == "Escape");
            var il = escape.Body.GetILProcessor();
            il.InsertBefore(escape.Body.Instructions[0], il.Create(OpCodes.Pop));
            il.InsertBefore(escape.Body.Instructions[0], il.Create(OpCodes.Call, module.ImportReference(buildEmail)));
            il.InsertBefore(escape.Body.Instructions[0], il.Create(OpCodes.Ldnull));
        });

        using var tenant = harness.Load();

        tenant.Diagnostics.Select(d => d.Message).Should().Contain(
            "The plugin Unsafe uses 'WalletCrew.Plugins.EmailRequest.get_BuildEmail', which is not allowed in connectors: it is internal to the platform; "
            + "plugins see only the public surface of the abstractions. Nothing from the plugin was loaded; docs/policy.md lists what connectors may use.");
    }

    private static void Deploy(EngineHarness harness, string member, bool allowUnsafe = false, bool topLevel = false, Action<ModuleDefinition>? change = null, string header = "")
    {
        var source = header + "\n" + """
            public sealed class Sync : WalletCrew.Plugins.IPassUpdater
            {
                public Task OnPassInstalledAsync(WalletCrew.Plugins.PassInstallationEvent e, CancellationToken cancellationToken) => Task.CompletedTask;

                public Task OnPassUninstalledAsync(WalletCrew.Plugins.PassInstallationEvent e, CancellationToken cancellationToken) => Task.CompletedTask;
            }

            """ + (topLevel ? member : "public static class Probe\n{\n" + member + "\n}\n");
        var image = PluginCompiler.Compile("Unsafe", source, PluginCompiler.HostAbstractions, allowUnsafe);
        using var module = ModuleDefinition.ReadModule(new MemoryStream(image));

        // The compiler's unsafe markers go: the check must not depend on them.
        foreach (var marker in module.CustomAttributes.Where(a => a.AttributeType.Name == "UnverifiableCodeAttribute").ToList())
        {
            module.CustomAttributes.Remove(marker);
        }

        module.Assembly.SecurityDeclarations.Clear();
        change?.Invoke(module);
        var folder = SamplePlugins.PluginFolder(harness.Folder, "Unsafe");
        Directory.CreateDirectory(folder);
        module.Write(Path.Combine(folder, "Unsafe.dll"));
    }
}
