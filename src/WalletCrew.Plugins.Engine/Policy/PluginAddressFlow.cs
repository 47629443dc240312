using Mono.Cecil;
using Mono.Cecil.Cil;

namespace WalletCrew.Plugins.Engine.Policy;

/// <summary>
/// Follows what kind of value each evaluation-stack slot holds (number, object reference, managed address, struct)
/// through a method's IL, and refuses the two moves that turn memory-safe code into raw memory access without any
/// pointer type in a signature: a number used as an address (<c>*(int*)n</c>, a number passed as <c>ref</c>), and an
/// address or object reference turned into a number (<c>&amp;x</c>, an address stored in a <c>nint</c>).
/// </summary>
/// <remarks>
/// Coarse on purpose: it does not check which class a reference is (that needs a full verifier, docs/policy.md), and a
/// slot it cannot name (a generic parameter) is not judged. Where paths merge, a number and an address make a number.
/// </remarks>
internal static class PluginAddressFlow
{
    // Each slot only ever moves towards "number", so a method settles in a few visits per instruction; past that
    // budget it is refused rather than passed unchecked.
    private const int VisitsPerInstruction = 64;

    private enum Kind : byte
    {
        Unknown,
        Number,
        Object,
        Address,
        Struct,
    }

    public static void Check(string name, MethodDefinition method, Action<string, string> add)
    {
        var body = method.Body;
        var index = new Dictionary<Instruction, int>();
        for (var i = 0; i < body.Instructions.Count; i++)
        {
            index[body.Instructions[i]] = i;
        }

        var states = new Kind[]?[body.Instructions.Count];
        var work = new Stack<int>();
        void Flow(Instruction target, Kind[] stack)
        {
            var at = index[target];
            var merged = states[at] is { } known ? Merge(known, stack) : stack;
            if (merged is not null && (states[at] is null || !merged.AsSpan().SequenceEqual(states[at])))
            {
                states[at] = merged;
                work.Push(at);
            }
        }

        if (body.Instructions.Count == 0)
        {
            return;
        }

        Flow(body.Instructions[0], []);
        foreach (var handler in body.ExceptionHandlers)
        {
            Flow(handler.HandlerStart, handler.HandlerType is ExceptionHandlerType.Catch or ExceptionHandlerType.Filter ? [Kind.Object] : []);
            if (handler.FilterStart is { } filter)
            {
                Flow(filter, [Kind.Object]);
            }
        }

        var found = new HashSet<string>(StringComparer.Ordinal);
        var budget = (body.Instructions.Count * VisitsPerInstruction) + 1024;
        for (var visits = 0; work.Count > 0; visits++)
        {
            if (visits == budget)
            {
                add(name, "its IL is too complex to check for raw memory access");
                return;
            }

            var at = work.Pop();
            var instruction = body.Instructions[at];
            var stack = new List<Kind>(states[at]!);
            if (Step(method, instruction, stack) is { } problem && found.Add(problem))
            {
                add($"{problem} in {name}", "unsafe code and pointers can corrupt memory or crash the host");
            }

            var after = stack.ToArray();
            switch (instruction.OpCode.FlowControl)
            {
                case FlowControl.Branch:
                    Flow((Instruction)instruction.Operand, instruction.OpCode.Code is Code.Leave or Code.Leave_S ? [] : after);
                    break;
                case FlowControl.Cond_Branch:
                    foreach (var target in instruction.Operand as Instruction[] ?? [(Instruction)instruction.Operand])
                    {
                        Flow(target, after);
                    }

                    if (instruction.Next is { } fallThrough)
                    {
                        Flow(fallThrough, after);
                    }

                    break;
                case FlowControl.Return or FlowControl.Throw:
                    break;
                default:
                    if (instruction.Next is { } next && instruction.OpCode.Code is not (Code.Endfinally or Code.Endfilter))
                    {
                        Flow(next, after);
                    }

                    break;
            }
        }
    }

    /// <summary>Applies one instruction to the stack; returns what it does wrong, if anything.</summary>
    private static string? Step(MethodDefinition method, Instruction instruction, List<Kind> stack)
    {
        Kind Pop()
        {
            if (stack.Count == 0)
            {
                return Kind.Unknown; // malformed IL: the JIT refuses it anyway
            }

            var top = stack[^1];
            stack.RemoveAt(stack.Count - 1);
            return top;
        }

        var code = instruction.OpCode.Code;
        switch (instruction.OpCode.Code)
        {
            case Code.Ldloca or Code.Ldloca_S or Code.Ldarga or Code.Ldarga_S or Code.Ldsflda:
                stack.Add(Kind.Address);
                return null;
            case Code.Ldflda:
                return Push(stack, Kind.Address, AsObject(Pop(), "ldflda"));
            case Code.Ldelema:
                Pop();
                Pop();
                stack.Add(Kind.Address);
                return null;
            case Code.Ldloc or Code.Ldloc_S or Code.Ldloc_0 or Code.Ldloc_1 or Code.Ldloc_2 or Code.Ldloc_3:
                stack.Add(Of(Local(method, instruction).VariableType));
                return null;
            case Code.Stloc or Code.Stloc_S or Code.Stloc_0 or Code.Stloc_1 or Code.Stloc_2 or Code.Stloc_3:
                return Store(Pop(), Of(Local(method, instruction).VariableType), "stored in a local");
            case Code.Ldarg or Code.Ldarg_S or Code.Ldarg_0 or Code.Ldarg_1 or Code.Ldarg_2 or Code.Ldarg_3:
                stack.Add(Argument(method, instruction));
                return null;
            case Code.Starg or Code.Starg_S:
                return Store(Pop(), Argument(method, instruction), "stored in an argument");
            case Code.Dup:
                var top = Pop();
                stack.Add(top);
                stack.Add(top);
                return null;
            case Code.Ldfld:
                return Push(stack, Of(((FieldReference)instruction.Operand).FieldType), AsObject(Pop(), "ldfld"));
            case Code.Stfld:
                var value = Pop();
                return AsObject(Pop(), "stfld") ?? Store(value, Of(((FieldReference)instruction.Operand).FieldType), "stored in a field");
            case Code.Ldsfld:
                stack.Add(Of(((FieldReference)instruction.Operand).FieldType));
                return null;
            case Code.Stsfld:
                return Store(Pop(), Of(((FieldReference)instruction.Operand).FieldType), "stored in a field");
            case Code.Ldobj:
                return Push(stack, Of((TypeReference)instruction.Operand), AsAddress(Pop(), "ldobj"));
            case Code.Initobj:
                return AsAddress(Pop(), "initobj");
            case Code.Stobj:
                Pop();
                return AsAddress(Pop(), "stobj");
            case Code.Cpobj:
                return AsAddress(Pop(), "cpobj") ?? AsAddress(Pop(), "cpobj");
            case >= Code.Ldind_I1 and <= Code.Ldind_Ref:
                return Push(stack, code == Code.Ldind_Ref ? Kind.Object : code is Code.Ldind_R4 or Code.Ldind_R8 ? Kind.Struct : Kind.Number, AsAddress(Pop(), "ldind"));
            case >= Code.Stind_Ref and <= Code.Stind_R8 or Code.Stind_I:
                Pop();
                return AsAddress(Pop(), "stind");
            case Code.Call or Code.Callvirt or Code.Newobj:
                return Call((MethodReference)instruction.Operand, code == Code.Newobj, stack, Pop);
            case Code.Ret:
                return method.ReturnType.MetadataType == MetadataType.Void ? null : Store(Pop(), Of(method.ReturnType), "returned");
        }

        return Generic(instruction, stack, Pop);
    }

    private static string? Call(MethodReference called, bool creates, List<Kind> stack, Func<Kind> pop)
    {
        // The compiler's span over constant data takes an address as void*; PluginUnsafeCode checks that use on its own.
        var exempt = SpanOverConstantData.IsConstructor(called);
        string? problem = null;
        for (var i = called.Parameters.Count - 1; i >= 0; i--)
        {
            var argument = pop();
            problem ??= exempt ? null : Store(argument, Of(called.Parameters[i].ParameterType), "passed as an argument");
        }

        if (called.HasThis && !creates)
        {
            problem ??= AsObject(pop(), "a call's this");
        }

        if (creates)
        {
            stack.Add(Kind.Object);
        }
        else if (called.ReturnType.MetadataType != MetadataType.Void)
        {
            stack.Add(Of(called.ReturnType));
        }

        return problem;
    }

    /// <summary>Everything else: arithmetic, conversions, comparisons and branches, by the opcode's stack behaviour.</summary>
    private static string? Generic(Instruction instruction, List<Kind> stack, Func<Kind> pop)
    {
        var opCode = instruction.OpCode;
        var popped = opCode.StackBehaviourPop switch
        {
            StackBehaviour.Pop0 => 0,
            StackBehaviour.Pop1 or StackBehaviour.Popi or StackBehaviour.Popref => 1,
            StackBehaviour.Pop1_pop1 or StackBehaviour.Popi_pop1 or StackBehaviour.Popi_popi or StackBehaviour.Popi_popi8
                or StackBehaviour.Popi_popr4 or StackBehaviour.Popi_popr8 or StackBehaviour.Popref_pop1 or StackBehaviour.Popref_popi => 2,
            StackBehaviour.PopAll => stack.Count,
            StackBehaviour.Varpop => 0, // calli: refused on its own
            _ => 3,
        };
        var operands = Enumerable.Range(0, popped).Select(_ => pop()).ToList();
        string? problem = null;
        if (opCode.Code is >= Code.Add and <= Code.Conv_U8 or >= Code.Conv_Ovf_I1_Un and <= Code.Conv_Ovf_U_Un
            or >= Code.Conv_Ovf_I1 and <= Code.Conv_Ovf_U8 or Code.Conv_U2 or Code.Conv_U1 or Code.Conv_I or Code.Conv_Ovf_I
            or Code.Conv_Ovf_U or Code.Add_Ovf or Code.Add_Ovf_Un or Code.Mul_Ovf or Code.Mul_Ovf_Un or Code.Sub_Ovf
            or Code.Sub_Ovf_Un or Code.Conv_U or Code.Conv_R_Un or Code.Ckfinite)
        {
            if (operands.Any(k => k is Kind.Address or Kind.Object))
            {
                problem = $"{opCode.Name} of an address or reference";
            }
        }

        switch (opCode.StackBehaviourPush)
        {
            case StackBehaviour.Push0:
                break;
            case StackBehaviour.Pushref:
                stack.Add(Kind.Object);
                break;
            case StackBehaviour.Pushr4 or StackBehaviour.Pushr8:
                stack.Add(Kind.Struct);
                break;
            case StackBehaviour.Push1_push1:
                stack.Add(Kind.Unknown);
                stack.Add(Kind.Unknown);
                break;
            case StackBehaviour.Varpush:
                break;
            default:
                // Pushi, Pushi8 and Push1. The opcode tables say "pushi" for some that push something else.
                stack.Add(opCode.Code switch
                {
                    Code.Unbox or Code.Refanyval => Kind.Address,
                    Code.Castclass or Code.Isinst => Kind.Object,
                    Code.Ldtoken or Code.Arglist or Code.Refanytype => Kind.Struct,
                    Code.Ldelem_Any or Code.Unbox_Any or Code.Mkrefany => Kind.Unknown,
                    _ => Kind.Number,
                });
                break;
        }

        return problem;
    }

    private static string? Push(List<Kind> stack, Kind kind, string? problem)
    {
        stack.Add(kind);
        return problem;
    }

    private static string? AsAddress(Kind kind, string what) => kind == Kind.Number ? $"{what} through a number used as an address" : null;

    private static string? AsObject(Kind kind, string what) => kind == Kind.Number ? $"{what} on a number used as an object or address" : null;

    // A number where an address or reference is expected, or an address or reference where a number is.
    private static string? Store(Kind value, Kind slot, string how) => (value, slot) switch
    {
        (Kind.Number, Kind.Address or Kind.Object) => $"a number {how} as an address or reference",
        (Kind.Address or Kind.Object, Kind.Number) => $"an address or reference {how} as a number",
        _ => null,
    };

    /// <summary>Whether a value of <paramref name="actual"/> may be read as <paramref name="expected"/> without mixing numbers, references, addresses and structs.</summary>
    public static bool SameKind(TypeReference expected, TypeReference actual)
    {
        var (left, right) = (Of(expected), Of(actual));
        if (left == Kind.Unknown || right == Kind.Unknown)
        {
            return true; // a generic parameter: bound by the instantiation, which the delegate's own check judges
        }

        return left == right
            && (left != Kind.Struct || expected.FullName == actual.FullName || expected.ContainsGenericParameter || actual.ContainsGenericParameter);
    }

    private static Kind[]? Merge(Kind[] known, Kind[] incoming)
    {
        if (known.Length != incoming.Length)
        {
            return null; // unbalanced stacks: the JIT refuses the method
        }

        var merged = new Kind[known.Length];
        for (var i = 0; i < known.Length; i++)
        {
            merged[i] = known[i] == incoming[i] ? known[i]
                : known[i] == Kind.Number || incoming[i] == Kind.Number ? Kind.Number
                : Kind.Unknown;
        }

        return merged;
    }

    private static Kind Of(TypeReference type) => type switch
    {
        ByReferenceType => Kind.Address,
        PointerType or FunctionPointerType => Kind.Number,
        RequiredModifierType modified => Of(modified.ElementType),
        OptionalModifierType modified => Of(modified.ElementType),
        PinnedType pinned => Of(pinned.ElementType),
        GenericParameter => Kind.Unknown,
        _ => type.MetadataType switch
        {
            MetadataType.Boolean or MetadataType.Char or MetadataType.SByte or MetadataType.Byte or MetadataType.Int16 or MetadataType.UInt16
                or MetadataType.Int32 or MetadataType.UInt32 or MetadataType.Int64 or MetadataType.UInt64 or MetadataType.IntPtr
                or MetadataType.UIntPtr => Kind.Number,
            MetadataType.Single or MetadataType.Double or MetadataType.ValueType or MetadataType.TypedByReference => Kind.Struct,
            MetadataType.GenericInstance when type.IsValueType => Kind.Struct,
            _ when type.IsValueType => Kind.Struct,
            _ => Kind.Object,
        },
    };

    private static VariableDefinition Local(MethodDefinition method, Instruction instruction) => instruction.OpCode.Code switch
    {
        Code.Ldloc_0 or Code.Stloc_0 => method.Body.Variables[0],
        Code.Ldloc_1 or Code.Stloc_1 => method.Body.Variables[1],
        Code.Ldloc_2 or Code.Stloc_2 => method.Body.Variables[2],
        Code.Ldloc_3 or Code.Stloc_3 => method.Body.Variables[3],
        _ => (VariableDefinition)instruction.Operand,
    };

    private static Kind Argument(MethodDefinition method, Instruction instruction)
    {
        var position = instruction.OpCode.Code switch
        {
            Code.Ldarg_0 => 0,
            Code.Ldarg_1 => 1,
            Code.Ldarg_2 => 2,
            Code.Ldarg_3 => 3,
            _ => ((ParameterDefinition)instruction.Operand).Index + (method.HasThis ? 1 : 0),
        };
        if (method.HasThis)
        {
            // A struct's own methods receive 'this' as an address.
            return position == 0 ? (method.DeclaringType.IsValueType ? Kind.Address : Kind.Object) : Of(method.Parameters[position - 1].ParameterType);
        }

        return Of(method.Parameters[position].ParameterType);
    }
}
