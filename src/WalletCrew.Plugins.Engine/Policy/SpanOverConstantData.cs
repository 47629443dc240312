using Mono.Cecil;
using Mono.Cecil.Cil;

namespace WalletCrew.Plugins.Engine.Policy;

/// <summary>
/// The one pointer the C# compiler emits in safe code: <c>ldsflda &lt;constant data&gt;; ldc.i4 n; newobj ReadOnlySpan&lt;T&gt;(void*, int)</c>
/// for <c>"…"u8</c> and constant array initialisers. Allowed only in that shape, over the plugin's own data, within its size.
/// </summary>
internal static class SpanOverConstantData
{
    public static bool IsConstructor(MethodReference method) =>
        method is { Name: ".ctor", DeclaringType: GenericInstanceType { ElementType.FullName: "System.ReadOnlySpan`1" }, Parameters.Count: 2 }
        && method.Parameters[0].ParameterType is PointerType
        && method.Parameters[1].ParameterType.MetadataType == MetadataType.Int32;

    public static bool IsSafeUse(Instruction instruction)
    {
        if (instruction.OpCode.Code is not (Code.Newobj or Code.Call)
            || instruction.Operand is not MethodReference { DeclaringType: GenericInstanceType span }
            || ElementSize(span.GenericArguments[0]) is not { } size
            || instruction.Previous is not { } length || Constant(length) is not { } count
            || length.Previous is not { OpCode.Code: Code.Ldsflda, Operand: FieldDefinition { HasFieldRVA: true } data })
        {
            return false;
        }

        return count >= 0 && (long)count * size <= data.InitialValue.Length;
    }

    private static int? ElementSize(TypeReference type) => type.MetadataType switch
    {
        MetadataType.Byte or MetadataType.SByte or MetadataType.Boolean => 1,
        MetadataType.Char or MetadataType.Int16 or MetadataType.UInt16 => 2,
        MetadataType.Int32 or MetadataType.UInt32 or MetadataType.Single => 4,
        MetadataType.Int64 or MetadataType.UInt64 or MetadataType.Double => 8,
        _ => null,
    };

    private static int? Constant(Instruction instruction) => instruction.OpCode.Code switch
    {
        Code.Ldc_I4_M1 => -1,
        >= Code.Ldc_I4_0 and <= Code.Ldc_I4_8 => instruction.OpCode.Code - Code.Ldc_I4_0,
        Code.Ldc_I4_S => (sbyte)instruction.Operand,
        Code.Ldc_I4 => (int)instruction.Operand,
        _ => null,
    };
}
