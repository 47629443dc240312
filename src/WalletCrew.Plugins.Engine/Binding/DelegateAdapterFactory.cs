using System.Reflection;
using System.Text.Json.Nodes;

namespace WalletCrew.Plugins.Engine.Binding;

/// <summary>
/// Binds a tenant function to a contract member once, at load time: it picks, for each parameter the function declares (any
/// prefix of the documented ones, optionally followed by a <see cref="CancellationToken"/>), how to read it from the typed
/// input, and how to turn what the function returns into the member's task. Calls then read the arguments and invoke the
/// function's delegate by reflection, exceptions unwrapped; no code is generated, so a tenant's worker never loads the
/// expression compiler.
/// </summary>
internal static class DelegateAdapterFactory
{
    public static (Func<PassInstallationEvent, CancellationToken, Task>? Adapter, BindError? Error) ForHook(ContractMember member, Delegate function) =>
        ForAction<PassInstallationEvent>(member, function);

    /// <summary>Binds a member that returns nothing (a hook, <c>SendEmail</c>) to a call taking its typed input.</summary>
    public static (Func<TInput, CancellationToken, Task>? Adapter, BindError? Error) ForAction<TInput>(ContractMember member, Delegate function)
        where TInput : notnull
    {
        var (call, error) = BoundCall.Create(member, function);
        if (call is null)
        {
            return (null, error);
        }

        var toTask = ReturnedTasks.Action(call.ReturnType);
        if (toTask is null)
        {
            return (null, ReturnError(member, function, "void, Task or ValueTask"));
        }

        return ((input, token) => toTask(call.Invoke(input, token)), null);
    }

    public static (Func<FillRequest, CancellationToken, Task<JsonObject>>? Adapter, BindError? Error) ForFill(ContractMember member, Delegate function)
    {
        var (call, error) = BoundCall.Create(member, function);
        if (call is null)
        {
            return (null, error);
        }

        var toTask = ReturnedTasks.Fill(call.ReturnType);
        if (toTask is null)
        {
            return (null, ReturnError(member, function, "the data to merge (a dictionary, an anonymous object, a JsonObject or a FillResult), or a Task or ValueTask of it"));
        }

        return ((input, token) => toTask(call.Invoke(input, token)), null);
    }

    /// <summary>A tenant function and how to read each argument it declares from the member's input.</summary>
    private sealed class BoundCall(Delegate function, MethodInfo invoke, Func<object, CancellationToken, object?>[] arguments)
    {
        private static readonly Func<object, CancellationToken, object?> Input = (input, _) => input;

        private static readonly Func<object, CancellationToken, object?> Token = (_, token) => token;

        public Type ReturnType => invoke.ReturnType;

        public static (BoundCall? Call, BindError? Error) Create(ContractMember member, Delegate function)
        {
            // What the delegate is called with: a closed delegate (an extension method's group on a value, prefix.Fill) has
            // bound its method's first parameter, which no call passes.
            var declaredByMethod = function.Method.GetParameters();
            var invoke = function.GetType().GetMethod(nameof(Action.Invoke))!;
            var parameters = declaredByMethod[(declaredByMethod.Length - invoke.GetParameters().Length)..];
            var arguments = new Func<object, CancellationToken, object?>[parameters.Length];
            for (var i = 0; i < parameters.Length; i++)
            {
                var declared = parameters[i].ParameterType;
                var argument = declared == typeof(CancellationToken) && i == parameters.Length - 1 ? Token
                    : i == 0 && declared.IsAssignableFrom(member.Input) && declared != typeof(object) ? Input
                    : declared.IsByRef || i >= member.Parameters.Count ? null
                    : Read(member.Parameters[i], declared);
                if (argument is null)
                {
                    return (null, ParameterError(member, FunctionNames.Of(function.Method), parameters[i], i, parameters.Length));
                }

                arguments[i] = argument;
            }

            return (new BoundCall(function, invoke, arguments), null);
        }

        /// <summary>Calls the function; what it throws is thrown as it is, not wrapped.</summary>
        public object? Invoke(object input, CancellationToken token)
        {
            var values = new object?[arguments.Length];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = arguments[i](input, token);
            }

            return invoke.Invoke(function, BindingFlags.DoNotWrapExceptions, binder: null, values, culture: null);
        }

        private static Func<object, CancellationToken, object?>? Read(ContractParameter slot, Type declared)
        {
            var read = slot.Alternatives?.GetValueOrDefault(declared) ?? (declared.IsAssignableFrom(slot.ValueType) ? slot.Read : null);
            return read is null ? null : (input, _) => read(input);
        }
    }

    /// <summary>Turns what a tenant function returned into the member's task, by the function's declared return type.</summary>
    private static class ReturnedTasks
    {
        public static Func<object?, Task>? Action(Type type) =>
            type == typeof(void) ? _ => Task.CompletedTask
            : typeof(Task).IsAssignableFrom(type) ? returned => (Task)returned!
            : type == typeof(ValueTask) ? returned => ((ValueTask)returned!).AsTask()
            : IsGeneric(type, typeof(ValueTask<>)) ? Of<Func<object?, Task>>(nameof(FromValueTask), type)
            : null;

        public static Func<object?, Task<JsonObject>>? Fill(Type type) =>
            type == typeof(void) || type == typeof(Task) || type == typeof(ValueTask) ? null
            : IsGeneric(type, typeof(Task<>)) ? Of<Func<object?, Task<JsonObject>>>(nameof(FillFromTask), type)
            : IsGeneric(type, typeof(ValueTask<>)) ? Of<Func<object?, Task<JsonObject>>>(nameof(FillFromValueTask), type)
            : FillResults.FromValue;

        private static bool IsGeneric(Type type, Type definition) => type.IsGenericType && type.GetGenericTypeDefinition() == definition;

        private static TDelegate Of<TDelegate>(string name, Type type)
            where TDelegate : Delegate =>
            typeof(ReturnedTasks).GetMethod(name, BindingFlags.NonPublic | BindingFlags.Static)!
                .MakeGenericMethod(type.GetGenericArguments()[0]).CreateDelegate<TDelegate>();

        private static Task FromValueTask<T>(object? returned) => ((ValueTask<T>)returned!).AsTask();

        private static Task<JsonObject> FillFromTask<T>(object? returned) => FillResults.FromTask((Task<T>)returned!);

        private static Task<JsonObject> FillFromValueTask<T>(object? returned) => FillResults.FromValueTask((ValueTask<T>)returned!);
    }

    private static BindError ParameterError(ContractMember member, string? functionName, ParameterInfo parameter, int index, int count)
    {
        var who = functionName is null ? $"The function bound to {member.Name}" : $"'{functionName}'";
        var message = index >= member.Parameters.Count
            ? $"{who} declares {count} parameters, but {member.Name} passes at most {member.Parameters.Count}: {member.Signature}."
            : $"Parameter '{parameter.Name}' of {who} is declared as {TypeNames.Of(parameter.ParameterType)}, but {member.Name} passes '{member.Parameters[index].Name}' ({member.Parameters[index].Describe()}) at position {index + 1}: {member.Signature}.";
        return new BindError(BindingCodes.UnbindableParameter, message, member.Name, functionName, parameter.Name);
    }

    private static BindError ReturnError(ContractMember member, Delegate function, string expected)
    {
        var functionName = FunctionNames.Of(function.Method);
        var who = functionName is null ? $"The function bound to {member.Name}" : $"'{functionName}'";
        return new BindError(
            BindingCodes.UnsupportedReturn,
            $"{who} returns {TypeNames.Of(function.Method.ReturnType)}; {member.Name} must return {expected}.",
            member.Name,
            functionName);
    }
}
