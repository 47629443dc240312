using Mono.Cecil;
using Mono.Cecil.Cil;

namespace WalletCrew.Plugins.Engine.Policy;

/// <summary>
/// Finds memory-unsafe code in a plugin assembly from what its IL and signatures do, not from the markers a compiler
/// leaves (<c>[UnverifiableCode]</c> can be deleted): pointer, function-pointer and <c>TypedReference</c> types in any
/// signature, field or local; <c>localloc</c>, <c>cpblk</c>, <c>initblk</c>, <c>calli</c>, <c>jmp</c>, <c>arglist</c> and the
/// <c>__makeref</c> opcodes; numbers used as addresses and addresses turned into numbers (<see cref="PluginAddressFlow"/>); unmanaged and vararg calling conventions; locals not zeroed; explicit layouts with fields;
/// bodiless methods the runtime fills in (<c>InternalCall</c>, <c>[UnsafeAccessor]</c>).
/// </summary>
/// <remarks>
/// One compiler idiom is allowed: <c>ReadOnlySpan&lt;byte&gt;(void*, int)</c> over the plugin's own constant data (<c>"…"u8</c>,
/// byte-array initialisers), when the length fits the data. The IL is not verified in full: which class a reference on
/// the stack is, is not checked (docs/policy.md, "What the in-process layer stops").
/// </remarks>
internal static class PluginUnsafeCode
{
    private const string Memory = "unsafe code and pointers can corrupt memory or crash the host";

    private static readonly Dictionary<Code, string> UnsafeOpCodes = new()
    {
        [Code.Localloc] = "localloc (stackalloc)",
        [Code.Cpblk] = "cpblk (raw memory copy)",
        [Code.Initblk] = "initblk (raw memory fill)",
        [Code.Calli] = "calli (a call through a function pointer)",
        [Code.Jmp] = "jmp (a jump into another method)",
        [Code.Arglist] = "arglist (__arglist)",
        [Code.Mkrefany] = "mkrefany (__makeref)",
        [Code.Refanyval] = "refanyval (__refvalue)",
        [Code.Refanytype] = "refanytype (__reftype)",
    };

    /// <summary>Reports each finding as (where or what, why).</summary>
    public static void Check(byte[] image, Action<string, string> add)
    {
        using var module = ModuleDefinition.ReadModule(new MemoryStream(image), new ReaderParameters { ReadingMode = ReadingMode.Immediate });
        if ((module.Attributes & ModuleAttributes.ILOnly) == 0)
        {
            add(module.Name, "a mixed-mode assembly holds native code, which cannot be checked");
        }

        foreach (var type in module.GetTypes())
        {
            CheckType(type, add);
            foreach (var field in type.Fields)
            {
                Signature($"{type.FullName}.{field.Name}", field.FieldType, add);
            }

            foreach (var method in type.Methods)
            {
                CheckMethod(method, add);
            }

            foreach (var property in type.Properties)
            {
                Signature($"{type.FullName}.{property.Name}", property.PropertyType, add);
            }
        }
    }

    private static void CheckType(TypeDefinition type, Action<string, string> add)
    {
        if (type.IsExplicitLayout && type.Fields.Any(f => !f.IsStatic))
        {
            add(type.FullName, "an explicit struct layout ([StructLayout(LayoutKind.Explicit)]) can overlap fields and forge references");
        }

        if (type.IsImport)
        {
            add(type.FullName, "COM interop ([ComImport]) cannot be checked");
        }

        if (type.BaseType is { } baseType)
        {
            Signature(type.FullName, baseType, add);
        }

        foreach (var parameter in type.GenericParameters.SelectMany(p => p.Constraints))
        {
            Signature(type.FullName, parameter.ConstraintType, add);
        }
    }

    private static void CheckMethod(MethodDefinition method, Action<string, string> add)
    {
        var name = $"{method.DeclaringType.FullName}.{method.Name}";
        CallingConvention(name, method, add);
        Signature(name, method.ReturnType, add);
        foreach (var parameter in method.Parameters)
        {
            Signature(name, parameter.ParameterType, add);
        }

        if (method.IsNative || method.IsUnmanaged)
        {
            add(name, "native code cannot be checked");
            return;
        }

        if (method.RVA == 0 || method.Body is not { } body)
        {
            if (!method.IsAbstract && !method.IsPInvokeImpl && !method.IsRuntime)
            {
                add(name, "a method without a body is filled in by the runtime (InternalCall, [UnsafeAccessor]) and bypasses access checks");
            }

            return;
        }

        if (body.HasVariables && !body.InitLocals)
        {
            add(name, "its locals are not zeroed ([SkipLocalsInit]), so it could read stale stack memory");
        }

        foreach (var variable in body.Variables)
        {
            if (variable.IsPinned)
            {
                add(name, "a pinned local (fixed) exposes a raw address: " + Memory);
            }

            Signature(name, variable.VariableType, add);
        }

        foreach (var instruction in body.Instructions)
        {
            CheckInstruction(name, instruction, add);
        }

        PluginAddressFlow.Check(name, method, add);
    }

    private static void CheckInstruction(string method, Instruction instruction, Action<string, string> add)
    {
        if (UnsafeOpCodes.TryGetValue(instruction.OpCode.Code, out var what))
        {
            add($"{what} in {method}", Memory);
            return;
        }

        if (instruction.OpCode.Code is Code.Ldftn or Code.Ldvirtftn)
        {
            if (instruction.Next is not { OpCode.Code: Code.Newobj, Operand: MethodReference { Name: ".ctor", Parameters.Count: 2 } constructor })
            {
                add($"{instruction.OpCode.Name} in {method}", "a method address that does not go straight into a delegate is a raw function pointer");
            }
            else if (DelegateTargets.Problem(constructor, (MethodReference)instruction.Operand) is { } problem)
            {
                add($"{problem} in {method}", "the runtime does not check a delegate's target, so a mismatched one forges values: " + Memory);
            }
        }

        switch (instruction.Operand)
        {
            case MethodReference called when SpanOverConstantData.IsConstructor(called):
                if (!SpanOverConstantData.IsSafeUse(instruction))
                {
                    add($"{called.DeclaringType.FullName}(void*, int) in {method}", Memory);
                }

                break;
            case MethodReference called:
                CallingConvention(method, called, add);
                Signature(method, called.DeclaringType, add);
                Signature(method, called.ReturnType, add);
                foreach (var parameter in called.Parameters)
                {
                    Signature(method, parameter.ParameterType, add);
                }

                if (called is GenericInstanceMethod generic)
                {
                    foreach (var argument in generic.GenericArguments)
                    {
                        Signature(method, argument, add);
                    }
                }

                break;
            case FieldReference field:
                Signature(method, field.DeclaringType, add);
                Signature(method, field.FieldType, add);
                break;
            case TypeReference type:
                Signature(method, type, add);
                break;
            case CallSite site:
                add($"calli in {method}", Memory);
                Signature(method, site.ReturnType, add);
                break;
        }
    }

    private static void CallingConvention(string where, IMethodSignature method, Action<string, string> add)
    {
        var convention = method.CallingConvention;
        if (convention is MethodCallingConvention.VarArg)
        {
            add(where, "a vararg (__arglist) signature reads its arguments through raw memory");
        }
        else if (convention is not (MethodCallingConvention.Default or MethodCallingConvention.Generic))
        {
            add(where, $"the unmanaged calling convention {convention} is for native code, which cannot be checked");
        }
    }

    private static void Signature(string where, TypeReference? type, Action<string, string> add)
    {
        if (Find(type) is { } shape)
        {
            add($"{shape} in {where}", Memory);
        }
    }

    /// <summary>Names the first unsafe shape inside a type (pointer, function pointer, TypedReference, vararg sentinel), or null.</summary>
    private static string? Find(TypeReference? type) => type switch
    {
        null => null,
        PointerType => "a pointer type",
        FunctionPointerType => "a function pointer type",
        SentinelType => "a vararg signature",
        PinnedType pinned => Find(pinned.ElementType),
        RequiredModifierType modified => Find(modified.ModifierType) ?? Find(modified.ElementType),
        OptionalModifierType modified => Find(modified.ModifierType) ?? Find(modified.ElementType),
        GenericInstanceType generic => Find(generic.ElementType) ?? generic.GenericArguments.Select(Find).FirstOrDefault(s => s is not null),
        TypeSpecification specification => Find(specification.ElementType),
        _ when type.MetadataType == MetadataType.TypedByReference => "TypedReference (__makeref)",
        _ => type.DeclaringType is { } declaring ? Find(declaring) : null,
    };
}
