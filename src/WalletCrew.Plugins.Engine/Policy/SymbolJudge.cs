using Microsoft.CodeAnalysis;

namespace WalletCrew.Plugins.Engine.Policy;

/// <summary>Decides whether a symbol the user's code uses is allowed; source symbols always are, their type arguments are checked.</summary>
internal sealed class SymbolJudge
{
    private readonly AllowList _allowList;
    private readonly IAssemblySymbol _sourceAssembly;

    public SymbolJudge(AllowList allowList, IAssemblySymbol sourceAssembly)
    {
        _allowList = allowList;
        _sourceAssembly = sourceAssembly;
        Construction = new ConstructionRule(this, IsSource);
    }

    /// <summary>Gets the rule for types that something other than a written <c>new</c> constructs.</summary>
    public ConstructionRule Construction { get; }

    /// <summary>Judges a member use (method, accessor, field, event, property) or a type.</summary>
    /// <param name="symbol">The symbol; <see langword="null"/> is refused as unresolved.</param>
    /// <param name="implicitUse">The compiler calls it for a language construct.</param>
    /// <returns><see langword="null"/> when allowed, else the refusal.</returns>
    public Denial? Member(ISymbol? symbol, bool implicitUse = false)
    {
        // The engine weaves these calls in after this check; one a script wrote could reset or poison what they record.
        if (symbol?.ContainingType is { Name: nameof(ConnectorCheckpoint), ContainingNamespace: { Name: "Plugins", ContainingNamespace.Name: "WalletCrew" } })
        {
            return new Denial(symbol, DenialKind.Forbidden);
        }

        switch (symbol)
        {
            case null or IErrorTypeSymbol:
                return new Denial(symbol, DenialKind.Unresolved);
            case ITypeSymbol type:
                return Type(type);
            case IMethodSymbol method:
                foreach (var argument in method.TypeArguments)
                {
                    if (Type(argument) is { } denial)
                    {
                        return denial;
                    }
                }

                if (Construction.Arguments(method.TypeParameters, method.TypeArguments) is { } constructed)
                {
                    return constructed;
                }

                break;
        }

        if (symbol.ContainingType is { } containing && TypeArguments(containing) is { } containingDenial)
        {
            return containingDenial;
        }

        if (IsSource(symbol))
        {
            return null;
        }

        var definition = symbol is IMethodSymbol { ReducedFrom: { } reduced } ? reduced : symbol.OriginalDefinition;
        for (var current = definition; current is not null; current = Overridden(current))
        {
            if (current.ContainingType is { } owner && RuleFor(owner) is { } rule
                && rule.Allows(SymbolNames.MemberNames(current), implicitUse))
            {
                return null;
            }
        }

        return new Denial(symbol, DenialKind.Forbidden);
    }

    /// <summary>Judges a type and, recursively, its element type, type arguments and containing types' type arguments.</summary>
    public Denial? Type(ITypeSymbol? type)
    {
        switch (type)
        {
            case null or IErrorTypeSymbol:
                return new Denial(type, DenialKind.Unresolved);
            case IDynamicTypeSymbol:
                return new Denial(type, DenialKind.Dynamic);
            case IPointerTypeSymbol or IFunctionPointerTypeSymbol:
                return new Denial(type, DenialKind.Unsafe);
            case IArrayTypeSymbol array:
                return Type(array.ElementType);
            case ITypeParameterSymbol:
                return null;
            case INamedTypeSymbol named:
                if (named.IsAnonymousType)
                {
                    return null;
                }

                if (!IsSource(named) && RuleFor(named) is not { MayBeNamed: true })
                {
                    return new Denial(named.OriginalDefinition, DenialKind.Forbidden);
                }

                return TypeArguments(named);
            default:
                return new Denial(type, DenialKind.Forbidden);
        }
    }

    private Denial? TypeArguments(INamedTypeSymbol type)
    {
        for (var current = type; current is not null; current = current.ContainingType)
        {
            foreach (var argument in current.TypeArguments)
            {
                if (Type(argument) is { } denial)
                {
                    return denial;
                }
            }

            if (Construction.Arguments(current.TypeParameters, current.TypeArguments) is { } constructed)
            {
                return constructed;
            }
        }

        return null;
    }

    private TypeRule? RuleFor(INamedTypeSymbol type)
    {
        var (ns, names) = SymbolNames.TypeKey(type);
        return _allowList.Find(ns, names);
    }

    /// <summary>Tells whether the list allows every member of <paramref name="type"/>, as a test's widened policy does.</summary>
    public bool AllowsEveryMemberOf(INamedTypeSymbol type) => ReferenceEquals(RuleFor(type), TypeRule.AllMembers);

    /// <summary>Tells whether the symbol is declared in the code being judged (the tenant's own).</summary>
    public bool IsSource(ISymbol symbol) => SymbolEqualityComparer.Default.Equals(symbol.ContainingAssembly, _sourceAssembly);

    private static ISymbol? Overridden(ISymbol symbol) => symbol switch
    {
        IMethodSymbol method => method.OverriddenMethod?.OriginalDefinition,
        IPropertySymbol property => property.OverriddenProperty?.OriginalDefinition,
        IEventSymbol @event => @event.OverriddenEvent?.OriginalDefinition,
        _ => null,
    };
}
