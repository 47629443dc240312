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

    public static void Check(string name, MethodDefinition method, Action<string, string> add)
    {
        var body = method.Body;
        var index = new Dictionary<Instruction, int>();
        for (var i = 0; i < body.Instructions.Count; i++)
        {
            index[body.Instructions[i]] = i;
        }

        var states = new StackKind[]?[body.Instructions.Count];
        var work = new Stack<int>();
        void Flow(Instruction target, StackKind[] stack)
        {
            var at = index[target];
            var merged = states[at] is { } known ? StackKinds.Merge(known, stack) : stack;
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
            Flow(handler.HandlerStart, handler.HandlerType is ExceptionHandlerType.Catch or ExceptionHandlerType.Filter ? [StackKind.Object] : []);
            if (handler.FilterStart is { } filter)
            {
                Flow(filter, [StackKind.Object]);
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
            var stack = new List<StackKind>(states[at]!);
            if (StackStep.Apply(method, instruction, stack) is { } problem && found.Add(problem))
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
}
