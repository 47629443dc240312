using Mono.Cecil;

namespace WalletCrew.Plugins.Engine.Policy;

/// <summary>
/// Checks that a delegate built from <c>ldftn</c> points at a method its <c>Invoke</c> can call: the runtime does not check
/// it, so an <c>Func&lt;object&gt;</c> over a method returning a number would forge a reference.
/// </summary>
/// <remarks>
/// Knows the delegate types of the assembly itself, the framework's generic <c>Func</c>, <c>Action</c>, <c>Predicate</c>,
/// <c>Comparison</c>, <c>Converter</c> and <c>EventHandler</c>, and the host's non-generic ones (read by reflection). Another
/// delegate type (another generic one, or one of the plugin's other assemblies) is refused, since its shape cannot be read here.
/// </remarks>
internal static class DelegateTargets
{
    /// <summary>Returns what is wrong with creating <paramref name="constructor"/>'s delegate over <paramref name="target"/>, or null.</summary>
    public static string? Problem(MethodReference constructor, MethodReference target)
    {
        if (Invoke(constructor.DeclaringType) is not { } invoke)
        {
            return $"a delegate of type {constructor.DeclaringType.FullName}, whose shape the check cannot read, over a method address";
        }

        var parameters = target.Parameters.Select(p => Substitute(p.ParameterType, target.DeclaringType, target)).ToList();
        if (!target.HasThis && parameters.Count == invoke.Parameters.Count + 1)
        {
            parameters.RemoveAt(0); // a static method closed over its first argument (an extension method)
        }

        var fits = parameters.Count == invoke.Parameters.Count
            && parameters.Zip(invoke.Parameters).All(pair => StackKinds.SameKind(pair.Second, pair.First))
            && (invoke.Return.MetadataType == MetadataType.Void) == (target.ReturnType.MetadataType == MetadataType.Void)
            && StackKinds.SameKind(invoke.Return, Substitute(target.ReturnType, target.DeclaringType, target));
        return fits ? null : $"a {constructor.DeclaringType.FullName} over {target.FullName}, whose signature does not match";
    }

    private static (IReadOnlyList<TypeReference> Parameters, TypeReference Return)? Invoke(TypeReference type)
    {
        var element = type is GenericInstanceType generic ? generic.ElementType : type;
        var arguments = type is GenericInstanceType instance ? instance.GenericArguments : (IList<TypeReference>)[];
        if (element is TypeDefinition definition)
        {
            return definition.Methods.FirstOrDefault(m => m.Name == "Invoke") is { } invoke
                ? (invoke.Parameters.Select(p => Substitute(p.ParameterType, type, null)).ToList(), Substitute(invoke.ReturnType, type, null))
                : null;
        }

        var system = element.Module.TypeSystem;
        return element.FullName switch
        {
            var name when name.StartsWith("System.Func`", StringComparison.Ordinal) => (arguments.Take(arguments.Count - 1).ToList(), arguments[^1]),
            var name when name == "System.Action" || name.StartsWith("System.Action`", StringComparison.Ordinal) => (arguments.ToList(), system.Void),
            "System.Predicate`1" => ([arguments[0]], system.Boolean),
            "System.Comparison`1" => ([arguments[0], arguments[0]], system.Int32),
            "System.Converter`2" => ([arguments[0]], arguments[1]),
            "System.EventHandler" => ([system.Object, system.Object], system.Void),
            "System.EventHandler`1" => ([system.Object, arguments[0]], system.Void),
            _ when type is not GenericInstanceType && element.Scope is AssemblyNameReference scope => FromHost(element, scope.Name),
            _ => null,
        };
    }

    // Another non-generic delegate type of the host (TimerCallback, MatchEvaluator...): its Invoke, read from the host's own copy.
    // Only the default context is asked, so a plugin's own assembly is never loaded by this.
    private static (IReadOnlyList<TypeReference> Parameters, TypeReference Return)? FromHost(TypeReference element, string assembly)
    {
        try
        {
            if (Type.GetType($"{element.FullName.Replace('/', '+')}, {assembly}") is { } reflected
                && reflected.IsSubclassOf(typeof(MulticastDelegate)) && reflected.GetMethod("Invoke") is { } invoke)
            {
                TypeReference Import(Type type) => Primitive(element.Module.TypeSystem, type) ?? element.Module.ImportReference(type);
                return (invoke.GetParameters().Select(p => Import(p.ParameterType)).ToList(), Import(invoke.ReturnType));
            }
        }
        catch (Exception exception) when (exception is IOException or BadImageFormatException or TypeLoadException or ArgumentException)
        {
            // Not the host's: refused as unreadable.
        }

        return null;
    }

    // Imported primitives do not carry their element type, so take the module's own.
    private static TypeReference? Primitive(TypeSystem system, Type type) => type.FullName switch
    {
        "System.Void" => system.Void,
        "System.Object" => system.Object,
        "System.String" => system.String,
        "System.Boolean" => system.Boolean,
        "System.Char" => system.Char,
        "System.SByte" => system.SByte,
        "System.Byte" => system.Byte,
        "System.Int16" => system.Int16,
        "System.UInt16" => system.UInt16,
        "System.Int32" => system.Int32,
        "System.UInt32" => system.UInt32,
        "System.Int64" => system.Int64,
        "System.UInt64" => system.UInt64,
        "System.Single" => system.Single,
        "System.Double" => system.Double,
        "System.IntPtr" => system.IntPtr,
        "System.UIntPtr" => system.UIntPtr,
        _ => null,
    };

    // Replaces the type's and the method's generic parameters by their arguments, where the reference carries them.
    private static TypeReference Substitute(TypeReference type, TypeReference declaring, MethodReference? method) => type switch
    {
        GenericParameter { Type: GenericParameterType.Type } p when declaring is GenericInstanceType g && p.Position < g.GenericArguments.Count => g.GenericArguments[p.Position],
        GenericParameter { Type: GenericParameterType.Method } p when method is GenericInstanceMethod m && p.Position < m.GenericArguments.Count => m.GenericArguments[p.Position],
        _ => type,
    };
}
