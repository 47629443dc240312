using Mono.Cecil;
using Mono.Cecil.Cil;

namespace WalletCrew.Plugins.Engine.Limits;

/// <summary>
/// Guards the framework calls that recurse over data tenant code shapes, where no checkpoint runs and a stack overflow
/// would end the process: after each lazy <c>System.Linq.Enumerable</c> operator (and <c>IOrderedEnumerable.CreateOrderedEnumerable</c>), <see cref="ConnectorCheckpoint.Query{TQuery}"/>
/// counts the operators stacked on the query (enumerating it nests one frame per operator); <c>JsonNode.DeepEquals</c>
/// and <c>JsonNode.DeepClone</c> go through <see cref="ConnectorCheckpoint"/>'s versions, which measure the trees' depth first,
/// and a JSON <c>MaxDepth</c> (serializer, writer, reader, document options) is set through one that refuses a depth over the engine's.
/// </summary>
internal sealed class FrameworkGuards(ModuleDefinition module, TypeReference checkpoint)
{
    private const string LinqOperators = "System.Linq.Enumerable";

    private const string OrderedSequence = "System.Linq.IOrderedEnumerable`1";

    private TypeDefinition? _wrappers;

    public void Guard(MethodDefinition method)
    {
        var body = method.Body;
        foreach (var call in body.Instructions.Where(i => i.OpCode.Code is Code.Call or Code.Callvirt).ToList())
        {
            var called = (MethodReference)call.Operand;
            if (Replacement(called) is { } replacement)
            {
                call.OpCode = OpCodes.Call;
                call.Operand = replacement;
            }
            else if (IsQueryOperator(called))
            {
                TrackQuery(body, call, called);
            }
        }

        // An operator made into a delegate (`Func<…> next = Enumerable.Select;`) is called through a wrapper that counts too.
        foreach (var load in body.Instructions.Where(i => i.OpCode.Code == Code.Ldftn && i.Operand is MethodReference m && IsQueryOperator(m) && !IsOpen(m)))
        {
            load.Operand = Wrapper((MethodReference)load.Operand);
        }
    }

    // Closed over the enclosing generic method's or type's parameters: a wrapper would have to be generic too.
    private static bool IsOpen(MethodReference method) =>
        (method is GenericInstanceMethod generic && generic.GenericArguments.Any(a => a.ContainsGenericParameter)) || method.DeclaringType.ContainsGenericParameter;

    private static bool IsQueryOperator(MethodReference called) =>
        (called.DeclaringType.FullName == LinqOperators || called.DeclaringType.GetElementType().FullName == OrderedSequence)
        && IsSequence(StackFrames.Closed(called.ReturnType, called));

    private MethodDefinition Wrapper(MethodReference called)
    {
        if (_wrappers is null)
        {
            _wrappers = new TypeDefinition("", "<ConnectorQueries>", TypeAttributes.NotPublic | TypeAttributes.Abstract | TypeAttributes.Sealed, module.TypeSystem.Object);
            module.Types.Add(_wrappers);
        }

        var parameters = called.Parameters.Select(p => StackFrames.Closed(p.ParameterType, called)).ToList();
        var returns = StackFrames.Closed(called.ReturnType, called);
        var wrapper = new MethodDefinition("Query" + _wrappers.Methods.Count, MethodAttributes.Assembly | MethodAttributes.Static | MethodAttributes.HideBySig, returns);
        parameters.ForEach(p => wrapper.Parameters.Add(new ParameterDefinition(p)));
        _wrappers.Methods.Add(wrapper);

        var il = wrapper.Body.GetILProcessor();
        wrapper.Parameters.ToList().ForEach(p => il.Emit(OpCodes.Ldarg, p));
        il.Emit(OpCodes.Call, called);
        var sequences = wrapper.Parameters.Where(p => IsSequence(p.ParameterType)).Take(2).ToList();
        il.Emit(OpCodes.Ldarg, sequences[0]);
        if (sequences.Count > 1)
        {
            il.Emit(OpCodes.Ldarg, sequences[1]);
        }
        else
        {
            il.Emit(OpCodes.Ldnull);
        }

        il.Emit(OpCodes.Call, QueryOf(returns));
        il.Emit(OpCodes.Ret);
        return wrapper;
    }

    private MethodReference? Replacement(MethodReference called)
    {
        var type = called.DeclaringType.FullName;
        var name = called.Name;
        var (guarded, byReference) = (type, name, called.Parameters.Count, called.HasThis) switch
        {
            ("System.Text.Json.Nodes.JsonNode", "DeepEquals", 2, false) => (true, false),
            ("System.Text.Json.Nodes.JsonNode", "DeepClone", 0, true) => (true, false),
            ("System.Text.Json.JsonSerializerOptions", "set_MaxDepth", 1, true) => (true, false),
            ("System.Text.Json.JsonWriterOptions" or "System.Text.Json.JsonReaderOptions" or "System.Text.Json.JsonDocumentOptions", "set_MaxDepth", 1, true) => (true, true),
            _ => (false, false),
        };
        if (!guarded)
        {
            return null;
        }

        var replacement = new MethodReference(name.Replace("set_", "Set", StringComparison.Ordinal), called.ReturnType, checkpoint) { HasThis = false };
        if (called.HasThis)
        {
            // A struct's setter is called on its address: the replacement takes the struct by reference.
            replacement.Parameters.Add(new ParameterDefinition(byReference ? new ByReferenceType(called.DeclaringType) : called.DeclaringType));
        }

        foreach (var parameter in called.Parameters)
        {
            replacement.Parameters.Add(new ParameterDefinition(parameter.ParameterType));
        }

        return replacement;
    }

    // `Enumerable.X(a, b, c)` becomes `(a, b, c) -> locals; Query(Enumerable.X(a, b, c), firstSequence, secondSequence)`;
    // for `ordered.CreateOrderedEnumerable(…)` the instance is the first sequence.
    private void TrackQuery(MethodBody body, Instruction call, MethodReference called)
    {
        var parameters = called.Parameters.Select(p => StackFrames.Closed(p.ParameterType, called)).ToList();
        if (called.HasThis)
        {
            parameters.Insert(0, called.DeclaringType);
        }

        var sequences = Enumerable.Range(0, parameters.Count).Where(i => IsSequence(parameters[i])).Take(2).ToList();
        if (sequences.Count == 0 || parameters.Any(p => p is ByReferenceType))
        {
            return;
        }

        var il = body.GetILProcessor();
        var locals = parameters.Select(p => new VariableDefinition(module.ImportReference(p))).ToList();
        locals.ForEach(body.Variables.Add);
        var before = new List<Instruction>();
        for (var i = locals.Count - 1; i >= 0; i--)
        {
            before.Add(il.Create(OpCodes.Stloc, locals[i]));
        }

        before.AddRange(locals.Select(local => il.Create(OpCodes.Ldloc, local)));
        foreach (var instruction in before)
        {
            il.InsertBefore(call, instruction);
        }

        // Code that jumped to the call (a `?:` argument) now jumps to where its arguments are stored.
        Retarget(body, call, before[0]);

        var query = QueryOf(StackFrames.Closed(called.ReturnType, called));
        var after = new List<Instruction>
        {
            il.Create(OpCodes.Ldloc, locals[sequences[0]]),
            sequences.Count > 1 ? il.Create(OpCodes.Ldloc, locals[sequences[1]]) : il.Create(OpCodes.Ldnull),
            il.Create(OpCodes.Call, query),
        };
        var at = call;
        foreach (var instruction in after)
        {
            il.InsertAfter(at, instruction);
            at = instruction;
        }
    }

    private GenericInstanceMethod QueryOf(TypeReference result)
    {
        var query = new GenericInstanceMethod(QueryMethod());
        query.GenericArguments.Add(module.ImportReference(result));
        return query;
    }

    private MethodReference QueryMethod()
    {
        var method = new MethodReference(nameof(ConnectorCheckpoint.Query), module.TypeSystem.Void, checkpoint) { HasThis = false };
        var query = new GenericParameter("TQuery", method);
        method.GenericParameters.Add(query);
        method.ReturnType = query;
        method.Parameters.Add(new ParameterDefinition(query));
        method.Parameters.Add(new ParameterDefinition(module.TypeSystem.Object));
        method.Parameters.Add(new ParameterDefinition(module.TypeSystem.Object));
        return method;
    }

    private static void Retarget(MethodBody body, Instruction from, Instruction to)
    {
        foreach (var instruction in body.Instructions)
        {
            if (instruction.Operand == from)
            {
                instruction.Operand = to;
            }
            else if (instruction.Operand is Instruction[] targets)
            {
                instruction.Operand = Array.ConvertAll(targets, t => t == from ? to : t);
            }
        }
    }

    private static bool IsSequence(TypeReference type) =>
        type is GenericInstanceType { ElementType.FullName: "System.Collections.Generic.IEnumerable`1" or "System.Linq.IOrderedEnumerable`1" };
}
