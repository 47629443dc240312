using Microsoft.CodeAnalysis;

namespace WalletCrew.Plugins.Engine.Policy;

/// <summary>
/// Judges the types that something other than a written <c>new</c> will construct for tenant code: a deserializer, a
/// <c>new()</c>-constrained generic, <c>Lazy&lt;T&gt;</c>, a <c>typeof</c> handed to anything, a derived class's base
/// constructor. Such a type, and every type it is built from, must be one tenant code could have built itself.
/// </summary>
/// <remarks>
/// Without this, allowing a type to be named (HttpClient, so that Context.CreateHttpClient can be used) would let its
/// refused constructor and setters run through JsonSerializer or <c>new T()</c>. See docs/policy.md, "Construction".
/// </remarks>
internal sealed class ConstructionRule
{
    // Read by System.Text.Json's built-in converters, never through their constructors or setters.
    private static readonly HashSet<string> Leaves = new(StringComparer.Ordinal)
    {
        "System.Uri", "System.Version", "System.DateTimeOffset", "System.TimeSpan", "System.Guid", "System.DateOnly",
        "System.TimeOnly", "System.Half", "System.Int128", "System.UInt128", "System.Text.Json.JsonElement",
        "System.Text.Json.JsonDocument", "System.Text.Json.Nodes.JsonNode", "System.Text.Json.Nodes.JsonObject",
        "System.Text.Json.Nodes.JsonArray", "System.Text.Json.Nodes.JsonValue",
    };

    private readonly SymbolJudge _judge;
    private readonly Func<ISymbol, bool> _isSource;
    private readonly Dictionary<ITypeSymbol, Denial?> _verdicts = new(SymbolEqualityComparer.Default);

    public ConstructionRule(SymbolJudge judge, Func<ISymbol, bool> isSource)
    {
        _judge = judge;
        _isSource = isSource;
    }

    /// <summary>Tells whether whatever is passed for <paramref name="parameter"/> gets constructed by the generic's code.</summary>
    public static bool Constructs(ITypeParameterSymbol parameter) =>
        parameter.HasConstructorConstraint
        || parameter.DeclaringMethod is { ContainingType: { } owner } method && owner.ToDisplayString() switch
        {
            "System.Text.Json.JsonSerializer" => method.Name.StartsWith("Deserialize", StringComparison.Ordinal),
            "Refit.RestService" => true,
            _ => false,
        }
        || (parameter.Name == "T" && parameter.DeclaringType?.OriginalDefinition.ToDisplayString() is "System.Lazy<T>" or "System.Lazy<T, TMetadata>");

    /// <summary>Judges the arguments a generic method or type gets for the parameters it constructs.</summary>
    public Denial? Arguments(IReadOnlyList<ITypeParameterSymbol> parameters, IReadOnlyList<ITypeSymbol> arguments)
    {
        for (var i = 0; i < parameters.Count && i < arguments.Count; i++)
        {
            if (Constructs(parameters[i]) && Constructible(arguments[i]) is { } denial)
            {
                return denial;
            }
        }

        return null;
    }

    /// <summary>Judges a type something will construct from data: its constructors, setters and, recursively, what it holds.</summary>
    public Denial? Constructible(ITypeSymbol type)
    {
        if (_verdicts.TryGetValue(type, out var known))
        {
            return known;
        }

        _verdicts[type] = null; // a type that holds itself is judged once
        var verdict = Judge(type);
        _verdicts[type] = verdict;
        return verdict;
    }

    /// <summary>Judges a framework class a tenant class derives from: its base constructor runs for every instance.</summary>
    public Denial? BaseClass(INamedTypeSymbol? baseType)
    {
        // The implicit bases of structs, enums and delegates run no code of their own.
        if (baseType is null || _isSource(baseType)
            || baseType.SpecialType is SpecialType.System_Object or SpecialType.System_ValueType or SpecialType.System_Enum or SpecialType.System_MulticastDelegate)
        {
            return null;
        }

        return baseType.InstanceConstructors
            .Where(c => c.DeclaredAccessibility is not (Accessibility.Private or Accessibility.Internal))
            .Select(c => _judge.Member(c))
            .FirstOrDefault(d => d is not null);
    }

    private Denial? Judge(ITypeSymbol type)
    {
        switch (type)
        {
            case ITypeParameterSymbol parameter:
                // A tenant's generic passes its own parameter on: its call sites are judged when it promises new().
                return !_isSource(parameter) || parameter.HasConstructorConstraint ? null : new Denial(parameter, DenialKind.ConstructedTypeParameter);
            case IArrayTypeSymbol array:
                return Constructible(array.ElementType);
            case INamedTypeSymbol named:
                return Named(named);
            default:
                return _judge.Type(type);
        }
    }

    private Denial? Named(INamedTypeSymbol type)
    {
        if (_judge.Type(type) is { } denial)
        {
            return denial;
        }

        if (type.IsUnboundGenericType)
        {
            return null;
        }

        foreach (var argument in type.TypeArguments)
        {
            if (Constructible(argument) is { } argumentDenial)
            {
                return argumentDenial;
            }
        }

        if (type.TypeKind == TypeKind.Enum || type.SpecialType is SpecialType.System_Object or SpecialType.System_String
            || (type.IsValueType && type.SpecialType is not (SpecialType.None or SpecialType.System_Nullable_T))
            || Leaves.Contains(type.OriginalDefinition.ToDisplayString()))
        {
            return null;
        }

        return _isSource(type) ? Declared(type) : Framework(type);
    }

    // The tenant's own type: every field and property it holds (any accessibility: [JsonInclude] reaches private ones),
    // its constructors' parameters, its framework base class, and what an interface's methods return (Refit builds those).
    private Denial? Declared(INamedTypeSymbol type)
    {
        if (BaseClass(type.BaseType) is { } baseDenial)
        {
            return baseDenial;
        }

        var held = new List<ITypeSymbol>();
        for (var current = type; current is not null && _isSource(current); current = current.BaseType)
        {
            foreach (var member in current.GetMembers())
            {
                switch (member)
                {
                    case IFieldSymbol { IsStatic: false } field:
                        held.Add(field.Type);
                        break;
                    case IPropertySymbol { IsStatic: false } property:
                        held.Add(property.Type);
                        break;
                    case IMethodSymbol { MethodKind: MethodKind.Constructor } constructor:
                        held.AddRange(constructor.Parameters.Select(p => p.Type));
                        break;
                    case IMethodSymbol { IsStatic: false, ReturnsVoid: false } method when current.TypeKind == TypeKind.Interface:
                        held.AddRange(Unwrapped(method.ReturnType));
                        break;
                }
            }
        }

        foreach (var @interface in type.AllInterfaces.Where(i => _isSource(i)))
        {
            held.AddRange(@interface.GetMembers().OfType<IMethodSymbol>().Where(m => !m.IsStatic && !m.ReturnsVoid).SelectMany(m => Unwrapped(m.ReturnType)));
        }

        return held.Select(Constructible).FirstOrDefault(d => d is not null);
    }

    // A framework type: the constructors and setters a deserializer may call must be allowed, and what they take constructible.
    private Denial? Framework(INamedTypeSymbol type)
    {
        if (type.IsAbstract || type.TypeKind is TypeKind.Interface or TypeKind.Delegate)
        {
            return null;
        }

        foreach (var constructor in type.InstanceConstructors.Where(c => c.DeclaredAccessibility == Accessibility.Public))
        {
            var denial = _judge.Member(constructor) ?? constructor.Parameters.Select(p => Constructible(p.Type)).FirstOrDefault(d => d is not null);
            if (denial is not null)
            {
                return denial;
            }
        }

        foreach (var member in type.GetMembers().Where(m => !m.IsStatic && m.DeclaredAccessibility == Accessibility.Public))
        {
            var denial = member switch
            {
                IPropertySymbol { SetMethod: { DeclaredAccessibility: Accessibility.Public } setter } property =>
                    _judge.Member(setter) ?? Constructible(property.Type),
                IFieldSymbol { IsReadOnly: false, IsConst: false } field => _judge.Member(field) ?? Constructible(field.Type),
                _ => null,
            };
            if (denial is not null)
            {
                return denial;
            }
        }

        return null;
    }

    // Refit and the awaiting code hand out what a task or a Refit response carries, not the wrapper.
    private static IEnumerable<ITypeSymbol> Unwrapped(ITypeSymbol type) => type.OriginalDefinition.ToDisplayString() switch
    {
        "System.Threading.Tasks.Task" or "System.Threading.Tasks.ValueTask" or "Refit.IApiResponse" => [],
        "System.Threading.Tasks.Task<TResult>" or "System.Threading.Tasks.ValueTask<TResult>" or "System.IObservable<T>"
            or "Refit.ApiResponse<T>" or "Refit.IApiResponse<T>" => Unwrapped(((INamedTypeSymbol)type).TypeArguments[0]),
        _ => [type],
    };
}
