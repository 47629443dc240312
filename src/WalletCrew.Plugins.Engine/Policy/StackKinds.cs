using Mono.Cecil;

namespace WalletCrew.Plugins.Engine.Policy;

/// <summary>The kinds of stack slots: what a type holds, how paths merge, and which moves between kinds are refused.</summary>
internal static class StackKinds
{
    public static string? Push(List<StackKind> stack, StackKind kind, string? problem)
    {
        stack.Add(kind);
        return problem;
    }

    public static string? AsAddress(StackKind kind, string what) => kind == StackKind.Number ? $"{what} through a number used as an address" : null;

    public static string? AsObject(StackKind kind, string what) => kind == StackKind.Number ? $"{what} on a number used as an object or address" : null;

    // A number where an address or reference is expected, or an address or reference where a number is.
    public static string? Store(StackKind value, StackKind slot, string how) => (value, slot) switch
    {
        (StackKind.Number, StackKind.Address or StackKind.Object) => $"a number {how} as an address or reference",
        (StackKind.Address or StackKind.Object, StackKind.Number) => $"an address or reference {how} as a number",
        _ => null,
    };

    /// <summary>Whether a value of <paramref name="actual"/> may be read as <paramref name="expected"/> without mixing numbers, references, addresses and structs.</summary>
    public static bool SameKind(TypeReference expected, TypeReference actual)
    {
        var (left, right) = (Of(expected), Of(actual));
        if (left == StackKind.Unknown || right == StackKind.Unknown)
        {
            return true; // a generic parameter: bound by the instantiation, which the delegate's own check judges
        }

        return left == right
            && (left != StackKind.Struct || expected.FullName == actual.FullName || expected.ContainsGenericParameter || actual.ContainsGenericParameter);
    }

    public static StackKind[]? Merge(StackKind[] known, StackKind[] incoming)
    {
        if (known.Length != incoming.Length)
        {
            return null; // unbalanced stacks: the JIT refuses the method
        }

        var merged = new StackKind[known.Length];
        for (var i = 0; i < known.Length; i++)
        {
            merged[i] = known[i] == incoming[i] ? known[i]
                : known[i] == StackKind.Number || incoming[i] == StackKind.Number ? StackKind.Number
                : StackKind.Unknown;
        }

        return merged;
    }

    public static StackKind Of(TypeReference type) => type switch
    {
        ByReferenceType => StackKind.Address,
        PointerType or FunctionPointerType => StackKind.Number,
        RequiredModifierType modified => Of(modified.ElementType),
        OptionalModifierType modified => Of(modified.ElementType),
        PinnedType pinned => Of(pinned.ElementType),
        GenericParameter => StackKind.Unknown,
        _ => type.MetadataType switch
        {
            MetadataType.Boolean or MetadataType.Char or MetadataType.SByte or MetadataType.Byte or MetadataType.Int16 or MetadataType.UInt16
                or MetadataType.Int32 or MetadataType.UInt32 or MetadataType.Int64 or MetadataType.UInt64 or MetadataType.IntPtr
                or MetadataType.UIntPtr => StackKind.Number,
            MetadataType.Single or MetadataType.Double or MetadataType.ValueType or MetadataType.TypedByReference => StackKind.Struct,
            MetadataType.GenericInstance when type.IsValueType => StackKind.Struct,
            _ when type.IsValueType => StackKind.Struct,
            _ => StackKind.Object,
        },
    };
}
