using System.Linq.Expressions;
using System.Reflection;
using System.Text.Json.Nodes;

namespace WalletCrew.Plugins.Engine.Binding;

/// <summary>
/// Binds a tenant function to a contract member once, at load time, by compiling an adapter that reads the documented
/// parameters it declares (any prefix, optionally followed by a <see cref="CancellationToken"/>) from the typed input.
/// Calls then go through a plain delegate: no reflection per call.
/// </summary>
internal static class DelegateAdapterFactory
{
    public static (Func<PassInstallationEvent, CancellationToken, Task>? Adapter, BindError? Error) ForHook(ContractMember member, Delegate function) =>
        ForAction<PassInstallationEvent>(member, function);

    /// <summary>Binds a member that returns nothing (a hook, <c>SendEmail</c>) to a call taking its typed input.</summary>
    public static (Func<TInput, CancellationToken, Task>? Adapter, BindError? Error) ForAction<TInput>(ContractMember member, Delegate function)
    {
        var (input, token, call, error) = BuildCall(member, function);
        if (error is not null)
        {
            return (null, error);
        }

        var body = ToTask(call!);
        if (body is null)
        {
            return (null, ReturnError(member, function, "void, Task or ValueTask"));
        }

        return (Expression.Lambda<Func<TInput, CancellationToken, Task>>(body, input, token).Compile(), null);
    }

    public static (Func<FillRequest, CancellationToken, Task<JsonObject>>? Adapter, BindError? Error) ForFill(ContractMember member, Delegate function)
    {
        var (input, token, call, error) = BuildCall(member, function);
        if (error is not null)
        {
            return (null, error);
        }

        var body = ToFillTask(call!);
        if (body is null)
        {
            return (null, ReturnError(member, function, "the data to merge (a dictionary, an anonymous object, a JsonObject or a FillResult), or a Task or ValueTask of it"));
        }

        return (Expression.Lambda<Func<FillRequest, CancellationToken, Task<JsonObject>>>(body, input, token).Compile(), null);
    }

    private static (ParameterExpression Input, ParameterExpression Token, Expression? Call, BindError? Error) BuildCall(ContractMember member, Delegate function)
    {
        var input = Expression.Parameter(member.Input, "input");
        var token = Expression.Parameter(typeof(CancellationToken), "cancellationToken");
        var parameters = function.Method.GetParameters();
        var arguments = new List<Expression>(parameters.Length);
        var functionName = FunctionNames.Of(function.Method);

        for (var i = 0; i < parameters.Length; i++)
        {
            var parameter = parameters[i];
            var declared = parameter.ParameterType;
            if (declared == typeof(CancellationToken) && i == parameters.Length - 1)
            {
                arguments.Add(token);
                continue;
            }

            if (i == 0 && declared.IsAssignableFrom(member.Input) && declared != typeof(object))
            {
                arguments.Add(input);
                continue;
            }

            if (declared.IsByRef || i >= member.Parameters.Count)
            {
                return (input, token, null, ParameterError(member, functionName, parameter, i, parameters.Length));
            }

            var argument = Read(member.Parameters[i], input, declared);
            if (argument is null)
            {
                return (input, token, null, ParameterError(member, functionName, parameter, i, parameters.Length));
            }

            arguments.Add(argument);
        }

        return (input, token, Expression.Invoke(Expression.Constant(function), arguments), null);
    }

    private static Expression? Read(ContractParameter slot, Expression input, Type declared)
    {
        if (slot.Alternatives is not null && slot.Alternatives.TryGetValue(declared, out var convert))
        {
            return convert(input);
        }

        var value = slot.Read(input);
        return declared.IsAssignableFrom(slot.ValueType)
            ? declared == slot.ValueType ? value : Expression.Convert(value, declared)
            : null;
    }

    private static Expression? ToTask(Expression call)
    {
        var type = call.Type;
        if (type == typeof(void))
        {
            return Expression.Block(call, Expression.Constant(Task.CompletedTask));
        }

        if (typeof(Task).IsAssignableFrom(type))
        {
            return Expression.Convert(call, typeof(Task));
        }

        if (type == typeof(ValueTask) || (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(ValueTask<>)))
        {
            var asTask = Expression.Call(call, type.GetMethod(nameof(ValueTask.AsTask))!);
            return Expression.Convert(asTask, typeof(Task));
        }

        return null;
    }

    private static Expression? ToFillTask(Expression call)
    {
        var type = call.Type;
        if (type == typeof(void) || type == typeof(Task) || type == typeof(ValueTask))
        {
            return null;
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Task<>))
        {
            return Expression.Call(typeof(FillResults), nameof(FillResults.FromTask), [type.GetGenericArguments()[0]], call);
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(ValueTask<>))
        {
            return Expression.Call(typeof(FillResults), nameof(FillResults.FromValueTask), [type.GetGenericArguments()[0]], call);
        }

        return Expression.Call(typeof(FillResults), nameof(FillResults.FromValue), null, Expression.Convert(call, typeof(object)));
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
