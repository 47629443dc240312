namespace WalletCrew.Plugins.Engine.Policy;

/// <summary>
/// Attributes that switch off a runtime check or mark code the IL check also finds, refused wherever a plugin puts them
/// (assembly, module, type, member, parameter), whether it references the framework's type or declares its own copy:
/// the runtime and the compiler match these by name.
/// </summary>
internal static class RefusedAttributes
{
    private const string Memory = "unsafe code and pointers can corrupt memory or crash the host";

    private static readonly Dictionary<string, string> Table = new(StringComparer.Ordinal)
    {
        ["System.Runtime.CompilerServices.IgnoresAccessChecksToAttribute"] =
            "it switches off the runtime's access checks, so the plugin could reach the platform's internal members",
        ["System.Runtime.CompilerServices.UnsafeAccessorAttribute"] = "it reaches private members without access checks",
        ["System.Runtime.CompilerServices.UnsafeAccessorTypeAttribute"] = "it reaches private types without access checks",
        ["System.Runtime.CompilerServices.SkipLocalsInitAttribute"] = "locals would not be zeroed, so code could read stale stack memory",
        ["System.Runtime.InteropServices.UnmanagedCallersOnlyAttribute"] = "it makes a method callable from native code",
        ["System.Runtime.CompilerServices.DisableRuntimeMarshallingAttribute"] = "it is for native interop, which cannot be checked",
        ["System.Runtime.CompilerServices.FixedBufferAttribute"] = "a fixed-size buffer is read through pointers: " + Memory,
        ["System.Security.UnverifiableCodeAttribute"] = Memory,
    };

    /// <summary>Returns the attribute's name and why it is refused, or <see langword="null"/>.</summary>
    public static (string Symbol, string Reason)? Why(string attributeType) =>
        Table.TryGetValue(attributeType, out var reason) ? ("[" + attributeType + "]", reason) : null;
}
