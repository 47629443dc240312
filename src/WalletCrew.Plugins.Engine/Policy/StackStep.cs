using Mono.Cecil;
using Mono.Cecil.Cil;

namespace WalletCrew.Plugins.Engine.Policy;

/// <summary>One instruction's effect on the kinds of the evaluation stack (<see cref="PluginAddressFlow"/>).</summary>
internal static class StackStep
{
    /// <summary>Applies one instruction to the stack; returns what it does wrong, if anything.</summary>
    public static string? Apply(MethodDefinition method, Instruction instruction, List<StackKind> stack)
    {
        StackKind Pop()
        {
            if (stack.Count == 0)
            {
                return StackKind.Unknown; // malformed IL: the JIT refuses it anyway
            }

            var top = stack[^1];
            stack.RemoveAt(stack.Count - 1);
            return top;
        }

        var code = instruction.OpCode.Code;
        switch (instruction.OpCode.Code)
        {
            case Code.Ldloca or Code.Ldloca_S or Code.Ldarga or Code.Ldarga_S or Code.Ldsflda:
                stack.Add(StackKind.Address);
                return null;
            case Code.Ldflda:
                return StackKinds.Push(stack, StackKind.Address, StackKinds.AsObject(Pop(), "ldflda"));
            case Code.Ldelema:
                Pop();
                Pop();
                stack.Add(StackKind.Address);
                return null;
            case Code.Ldloc or Code.Ldloc_S or Code.Ldloc_0 or Code.Ldloc_1 or Code.Ldloc_2 or Code.Ldloc_3:
                stack.Add(StackKinds.Of(Local(method, instruction).VariableType));
                return null;
            case Code.Stloc or Code.Stloc_S or Code.Stloc_0 or Code.Stloc_1 or Code.Stloc_2 or Code.Stloc_3:
                return StackKinds.Store(Pop(), StackKinds.Of(Local(method, instruction).VariableType), "stored in a local");
            case Code.Ldarg or Code.Ldarg_S or Code.Ldarg_0 or Code.Ldarg_1 or Code.Ldarg_2 or Code.Ldarg_3:
                stack.Add(Argument(method, instruction));
                return null;
            case Code.Starg or Code.Starg_S:
                return StackKinds.Store(Pop(), Argument(method, instruction), "stored in an argument");
            case Code.Dup:
                var top = Pop();
                stack.Add(top);
                stack.Add(top);
                return null;
            case Code.Ldfld:
                return StackKinds.Push(stack, StackKinds.Of(((FieldReference)instruction.Operand).FieldType), StackKinds.AsObject(Pop(), "ldfld"));
            case Code.Stfld:
                var value = Pop();
                return StackKinds.AsObject(Pop(), "stfld") ?? StackKinds.Store(value, StackKinds.Of(((FieldReference)instruction.Operand).FieldType), "stored in a field");
            case Code.Ldsfld:
                stack.Add(StackKinds.Of(((FieldReference)instruction.Operand).FieldType));
                return null;
            case Code.Stsfld:
                return StackKinds.Store(Pop(), StackKinds.Of(((FieldReference)instruction.Operand).FieldType), "stored in a field");
            case Code.Ldobj:
                return StackKinds.Push(stack, StackKinds.Of((TypeReference)instruction.Operand), StackKinds.AsAddress(Pop(), "ldobj"));
            case Code.Initobj:
                return StackKinds.AsAddress(Pop(), "initobj");
            case Code.Stobj:
                Pop();
                return StackKinds.AsAddress(Pop(), "stobj");
            case Code.Cpobj:
                return StackKinds.AsAddress(Pop(), "cpobj") ?? StackKinds.AsAddress(Pop(), "cpobj");
            case >= Code.Ldind_I1 and <= Code.Ldind_Ref:
                return StackKinds.Push(stack, code == Code.Ldind_Ref ? StackKind.Object : code is Code.Ldind_R4 or Code.Ldind_R8 ? StackKind.Struct : StackKind.Number, StackKinds.AsAddress(Pop(), "ldind"));
            case >= Code.Stind_Ref and <= Code.Stind_R8 or Code.Stind_I:
                Pop();
                return StackKinds.AsAddress(Pop(), "stind");
            case Code.Call or Code.Callvirt or Code.Newobj:
                return Call((MethodReference)instruction.Operand, code == Code.Newobj, stack, Pop);
            case Code.Ret:
                return method.ReturnType.MetadataType == MetadataType.Void ? null : StackKinds.Store(Pop(), StackKinds.Of(method.ReturnType), "returned");
        }

        return Generic(instruction, stack, Pop);
    }

    private static string? Call(MethodReference called, bool creates, List<StackKind> stack, Func<StackKind> pop)
    {
        // The compiler's span over constant data takes an address as void*; PluginUnsafeCode checks that use on its own.
        var exempt = SpanOverConstantData.IsConstructor(called);
        string? problem = null;
        for (var i = called.Parameters.Count - 1; i >= 0; i--)
        {
            var argument = pop();
            problem ??= exempt ? null : StackKinds.Store(argument, StackKinds.Of(called.Parameters[i].ParameterType), "passed as an argument");
        }

        if (called.HasThis && !creates)
        {
            problem ??= StackKinds.AsObject(pop(), "a call's this");
        }

        if (creates)
        {
            stack.Add(StackKind.Object);
        }
        else if (called.ReturnType.MetadataType != MetadataType.Void)
        {
            stack.Add(StackKinds.Of(called.ReturnType));
        }

        return problem;
    }

    /// <summary>Everything else: arithmetic, conversions, comparisons and branches, by the opcode's stack behaviour.</summary>
    private static string? Generic(Instruction instruction, List<StackKind> stack, Func<StackKind> pop)
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
            if (operands.Any(k => k is StackKind.Address or StackKind.Object))
            {
                problem = $"{opCode.Name} of an address or reference";
            }
        }

        switch (opCode.StackBehaviourPush)
        {
            case StackBehaviour.Push0:
                break;
            case StackBehaviour.Pushref:
                stack.Add(StackKind.Object);
                break;
            case StackBehaviour.Pushr4 or StackBehaviour.Pushr8:
                stack.Add(StackKind.Struct);
                break;
            case StackBehaviour.Push1_push1:
                stack.Add(StackKind.Unknown);
                stack.Add(StackKind.Unknown);
                break;
            case StackBehaviour.Varpush:
                break;
            default:
                // Pushi, Pushi8 and Push1. The opcode tables say "pushi" for some that push something else.
                stack.Add(opCode.Code switch
                {
                    Code.Unbox or Code.Refanyval => StackKind.Address,
                    Code.Castclass or Code.Isinst => StackKind.Object,
                    Code.Ldtoken or Code.Arglist or Code.Refanytype => StackKind.Struct,
                    Code.Ldelem_Any or Code.Unbox_Any or Code.Mkrefany => StackKind.Unknown,
                    _ => StackKind.Number,
                });
                break;
        }

        return problem;
    }

    private static VariableDefinition Local(MethodDefinition method, Instruction instruction) => instruction.OpCode.Code switch
    {
        Code.Ldloc_0 or Code.Stloc_0 => method.Body.Variables[0],
        Code.Ldloc_1 or Code.Stloc_1 => method.Body.Variables[1],
        Code.Ldloc_2 or Code.Stloc_2 => method.Body.Variables[2],
        Code.Ldloc_3 or Code.Stloc_3 => method.Body.Variables[3],
        _ => (VariableDefinition)instruction.Operand,
    };

    private static StackKind Argument(MethodDefinition method, Instruction instruction)
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
            return position == 0 ? (method.DeclaringType.IsValueType ? StackKind.Address : StackKind.Object) : StackKinds.Of(method.Parameters[position - 1].ParameterType);
        }

        return StackKinds.Of(method.Parameters[position].ParameterType);
    }
}
