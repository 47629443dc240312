using System.Text.RegularExpressions;
using Mono.Cecil;
using Mono.Cecil.Cil;

namespace WalletCrew.Plugins.Engine.Limits;

/// <summary>
/// Bounds what one frame of connector code can push before its entry checkpoint runs. The checkpoint keeps
/// <see cref="CheckedMarginBytes"/> of stack free; a frame is pushed before its own checkpoint, so every frame must fit in
/// that margin with room left to throw. Value types are bounded too, since framework code (a sort, a comparer, a
/// collection) instantiated over them holds copies in frames that carry no checkpoint.
/// </summary>
/// <remarks>Sizes are estimated from metadata (fields, <c>InlineArray</c> lengths, explicit sizes), rounded up per field;
/// JIT temporaries are counted for values of at least <see cref="CountedTemporaryBytes"/>.</remarks>
internal sealed partial class StackFrames
{
    /// <summary>The free stack <see cref="System.Runtime.CompilerServices.RuntimeHelpers.TryEnsureSufficientExecutionStack"/> keeps on 64-bit.</summary>
    public const long CheckedMarginBytes = 128 * 1024;

    /// <summary>The largest frame (locals and large temporaries) a connector method may have: half the checked margin.</summary>
    public const long MaxFrameBytes = CheckedMarginBytes / 2;

    /// <summary>The largest value type a connector may declare or hold.</summary>
    public const long MaxValueTypeBytes = 1024;

    private const long CountedTemporaryBytes = 256;

    private const long Pointer = 8;

    private readonly Dictionary<string, long> _sizes = new(StringComparer.Ordinal);

    /// <summary>Throws when a value type the module declares is over <see cref="MaxValueTypeBytes"/>.</summary>
    public void CheckValueTypes(ModuleDefinition module)
    {
        foreach (var type in module.GetTypes().Where(t => t.IsValueType && !t.HasGenericParameters))
        {
            var size = SizeOf(type);
            if (size > MaxValueTypeBytes)
            {
                var at = type.Methods.Select(Location).FirstOrDefault(l => l.Line > 0);
                throw new StackFrameTooLargeException(LimitMessages.ValueTypeTooLarge(Display(type), size, MaxValueTypeBytes), at.File, at.Line);
            }
        }
    }

    /// <summary>Throws when <paramref name="method"/>'s frame, or a value it holds, is over the bounds.</summary>
    public void CheckFrame(MethodDefinition method)
    {
        long frame = 0;
        foreach (var value in Values(method))
        {
            var size = SizeOf(value);
            if (size > MaxValueTypeBytes)
            {
                var at = Location(method);
                throw new StackFrameTooLargeException(LimitMessages.ValueTypeTooLarge(Display(value), size, MaxValueTypeBytes), at.File, at.Line);
            }

            frame += size;
        }

        if (frame > MaxFrameBytes)
        {
            var at = Location(method);
            throw new StackFrameTooLargeException(LimitMessages.FrameTooLarge(Display(method), frame, MaxFrameBytes), at.File, at.Line);
        }
    }

    /// <summary>Returns an estimate of a type's size in a frame: a reference is a pointer, a value type the sum of its fields.</summary>
    public long SizeOf(TypeReference type) => SizeOf(type, 0);

    // The locals, and the value-type results of calls and loads the JIT may give a temporary slot of their own.
    private IEnumerable<TypeReference> Values(MethodDefinition method)
    {
        foreach (var local in method.Body.Variables)
        {
            yield return local.VariableType;
        }

        foreach (var instruction in method.Body.Instructions)
        {
            var value = instruction.Operand switch
            {
                MethodReference called when instruction.OpCode.Code == Code.Newobj => called.DeclaringType,
                MethodReference called => Closed(called.ReturnType, called),
                FieldReference field => Closed(field.FieldType, field.DeclaringType),
                TypeReference loaded when instruction.OpCode.Code is Code.Ldobj or Code.Ldelem_Any or Code.Unbox_Any or Code.Box => loaded,
                _ => null,
            };
            if (value is { IsValueType: true } && SizeOf(value) >= CountedTemporaryBytes)
            {
                yield return value;
            }
        }
    }

    private long SizeOf(TypeReference type, int depth)
    {
        switch (type)
        {
            case RequiredModifierType required:
                return SizeOf(required.ElementType, depth);
            case OptionalModifierType optional:
                return SizeOf(optional.ElementType, depth);
            case PinnedType pinned:
                return SizeOf(pinned.ElementType, depth);
            case ByReferenceType or PointerType or ArrayType or FunctionPointerType or GenericParameter:
                return Pointer;
        }

        switch (type.MetadataType)
        {
            case MetadataType.Boolean or MetadataType.Byte or MetadataType.SByte:
                return 1;
            case MetadataType.Char or MetadataType.Int16 or MetadataType.UInt16:
                return 2;
            case MetadataType.Int32 or MetadataType.UInt32 or MetadataType.Single:
                return 4;
            case MetadataType.Int64 or MetadataType.UInt64 or MetadataType.Double or MetadataType.IntPtr or MetadataType.UIntPtr:
                return 8;
        }

        if (!type.IsValueType)
        {
            return Pointer;
        }

        // Nesting this deep only comes from a type built to be large (tuples of tuples): count it as too large.
        if (depth > 32)
        {
            return MaxValueTypeBytes + 1;
        }

        var key = type.FullName;
        if (_sizes.TryGetValue(key, out var known))
        {
            return known;
        }

        var definition = Resolve(type);
        if (definition is null)
        {
            return Pointer;
        }

        long size = 0;
        foreach (var field in definition.Fields.Where(f => !f.IsStatic))
        {
            size += RoundUp(SizeOf(Closed(field.FieldType, type), depth + 1));
        }

        if (definition.CustomAttributes.FirstOrDefault(a => a.AttributeType.FullName == "System.Runtime.CompilerServices.InlineArrayAttribute")
            is { ConstructorArguments: [{ Value: int length }] })
        {
            size *= Math.Max(length, 1);
        }

        size = Math.Max(Math.Max(size, definition.ClassSize), 1);
        _sizes[key] = size;
        return size;
    }

    private static TypeDefinition? Resolve(TypeReference type)
    {
        try
        {
            return type.Resolve();
        }
        catch (AssemblyResolutionException)
        {
            return null;
        }
    }

    /// <summary>Replaces the generic parameters of <paramref name="type"/> with the arguments of the type or method it was taken from.</summary>
    public static TypeReference Closed(TypeReference type, MemberReference from)
    {
        var typeArguments = (from as GenericInstanceType ?? (from as MethodReference)?.DeclaringType as GenericInstanceType)?.GenericArguments;
        var methodArguments = (from as GenericInstanceMethod)?.GenericArguments;
        return Substitute(type);

        TypeReference Substitute(TypeReference t)
        {
            switch (t)
            {
                case GenericParameter { Type: GenericParameterType.Type } p when typeArguments is not null && p.Position < typeArguments.Count:
                    return typeArguments[p.Position];
                case GenericParameter { Type: GenericParameterType.Method } p when methodArguments is not null && p.Position < methodArguments.Count:
                    return methodArguments[p.Position];
                case GenericInstanceType generic when generic.ContainsGenericParameter:
                    var closed = new GenericInstanceType(generic.ElementType);
                    foreach (var argument in generic.GenericArguments)
                    {
                        closed.GenericArguments.Add(Substitute(argument));
                    }

                    return closed;
                default:
                    return t;
            }
        }
    }

    private static long RoundUp(long size) => size >= Pointer ? (size + Pointer - 1) / Pointer * Pointer : size;

    private static (string? File, int Line) Location(MethodDefinition method) =>
        method.DebugInformation.SequencePoints.FirstOrDefault(p => !p.IsHidden) is { } point ? (point.Document.Url, point.StartLine) : (null, 0);

    // `<<Main>$>g__Deep|0_0` (or its async state machine) is the user's local function `Deep`.
    private static string Display(MethodDefinition method)
    {
        var name = $"{Display(method.DeclaringType)}.{method.Name}";
        return LocalFunction().Match(name) is { Success: true } local ? local.Groups[1].Value : name;
    }

    private static string Display(TypeReference type) => type.FullName.Replace('/', '.');

    [GeneratedRegex(@"g__([^|]+)\|")]
    private static partial Regex LocalFunction();
}
