namespace WalletCrew.Plugins.Engine.Policy;

/// <summary>Builds an <see cref="AllowList"/> fluently; a later rule for the same type replaces an earlier one.</summary>
internal sealed class AllowListBuilder
{
    private readonly HashSet<string> _namespaces = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TypeRule> _types = new(StringComparer.Ordinal);

    /// <summary>Allows every member of every type declared directly in the namespace (not in nested namespaces).</summary>
    public AllowListBuilder Namespace(string name)
    {
        _namespaces.Add(name);
        return this;
    }

    /// <summary>Allows every member of the named types of one namespace.</summary>
    public AllowListBuilder Types(string namespaceName, params string[] typeNames)
    {
        foreach (var typeName in typeNames)
        {
            _types[namespaceName + "." + typeName] = TypeRule.AllMembers;
        }

        return this;
    }

    /// <summary>Allows every member of one type, named by its dotted full name without generic arity.</summary>
    public AllowListBuilder Type(string fullName) => Type(fullName, static _ => { });

    /// <summary>Allows one type with a member rule.</summary>
    public AllowListBuilder Type(string fullName, Action<TypeRuleBuilder> configure)
    {
        var builder = new TypeRuleBuilder();
        configure(builder);
        _types[fullName] = builder.Build();
        return this;
    }

    /// <summary>Builds the immutable list.</summary>
    public AllowList Build() => new(_namespaces, _types);
}
