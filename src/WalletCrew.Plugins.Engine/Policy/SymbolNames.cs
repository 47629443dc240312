using Microsoft.CodeAnalysis;

namespace WalletCrew.Plugins.Engine.Policy;

/// <summary>How the policy names symbols: in messages, and as allow-list keys.</summary>
internal static class SymbolNames
{
    /// <summary>Gets the display used in messages, e.g. <c>System.IO.File.ReadAllText(string)</c>.</summary>
    public static SymbolDisplayFormat Format { get; } = new(
        globalNamespaceStyle: SymbolDisplayGlobalNamespaceStyle.Omitted,
        typeQualificationStyle: SymbolDisplayTypeQualificationStyle.NameAndContainingTypesAndNamespaces,
        genericsOptions: SymbolDisplayGenericsOptions.IncludeTypeParameters,
        memberOptions: SymbolDisplayMemberOptions.IncludeContainingType | SymbolDisplayMemberOptions.IncludeParameters
            | SymbolDisplayMemberOptions.IncludeExplicitInterface,
        parameterOptions: SymbolDisplayParameterOptions.IncludeType | SymbolDisplayParameterOptions.IncludeParamsRefOut,
        miscellaneousOptions: SymbolDisplayMiscellaneousOptions.UseSpecialTypes
            | SymbolDisplayMiscellaneousOptions.EscapeKeywordIdentifiers);

    /// <summary>Displays a symbol for a message; an accessor is shown as its property or event.</summary>
    public static string Display(ISymbol symbol) => symbol is IMethodSymbol { AssociatedSymbol: { } owner }
        && symbol is IMethodSymbol { MethodKind: MethodKind.PropertyGet or MethodKind.PropertySet or MethodKind.EventAdd or MethodKind.EventRemove }
        ? owner.ToDisplayString(Format)
        : symbol.ToDisplayString(Format);

    /// <summary>Gets the dotted name used to pick a denial category, e.g. <c>System.IO.File.ReadAllText</c>.</summary>
    public static string Dotted(ISymbol symbol)
    {
        if (symbol is INamedTypeSymbol type)
        {
            var (ns, names) = TypeKey(type);
            return ns.Length == 0 ? string.Join('.', names) : ns + "." + string.Join('.', names);
        }

        if (symbol.ContainingType is { } containing)
        {
            var member = symbol is IMethodSymbol { AssociatedSymbol: { } owner } ? owner.MetadataName : symbol.MetadataName;
            return Dotted(containing) + "." + member;
        }

        return symbol.ToDisplayString(Format);
    }

    /// <summary>Gets a named type's allow-list key: its namespace, and its names outermost first, without arity.</summary>
    public static (string Namespace, IReadOnlyList<string> Names) TypeKey(INamedTypeSymbol type)
    {
        var names = new List<string>();
        INamedTypeSymbol? current = type.OriginalDefinition;
        INamespaceSymbol? ns = null;
        while (current is not null)
        {
            names.Insert(0, current.Name);
            ns = current.ContainingNamespace;
            current = current.ContainingType;
        }

        var namespaceName = ns is null || ns.IsGlobalNamespace ? string.Empty : ns.ToDisplayString();
        return (namespaceName, names);
    }

    /// <summary>
    /// Gets the names a member answers to in a <see cref="TypeRule"/>: its own, and its property's or event's; a method also
    /// answers to its signature, <c>Name(System.Net.Http.HttpClient, string)</c>, so a rule can name one overload.
    /// </summary>
    public static IReadOnlyList<string> MemberNames(ISymbol member)
    {
        if (member is IMethodSymbol { AssociatedSymbol: { } owner })
        {
            return [member.Name, owner.MetadataName, owner.Name];
        }

        return member switch
        {
            IPropertySymbol property => [property.MetadataName, property.Name],
            IMethodSymbol method => [method.Name, Signature(method)],
            _ => [member.Name],
        };
    }

    private static string Signature(IMethodSymbol method) =>
        $"{method.Name}({string.Join(", ", method.Parameters.Select(p => p.Type.ToDisplayString(Format)))})";
}
