namespace WalletCrew.Plugins.Engine.Policy;

/// <summary>The immutable allow-list: namespaces whose types are all allowed, and per-type member rules.</summary>
/// <remarks>
/// Types are keyed by namespace and name without generic arity (<c>System.Func</c> covers every <c>Func</c>), nested types by
/// their containing type's key plus their name. A nested type without its own rule follows its containing type's rule.
/// </remarks>
internal sealed class AllowList
{
    private readonly HashSet<string> _namespaces;
    private readonly Dictionary<string, TypeRule> _types;

    public AllowList(IEnumerable<string> namespaces, IReadOnlyDictionary<string, TypeRule> types)
    {
        _namespaces = new HashSet<string>(namespaces, StringComparer.Ordinal);
        _types = new Dictionary<string, TypeRule>(types, StringComparer.Ordinal);
    }

    /// <summary>Finds the rule for a type, or <see langword="null"/> when the type is not allowed at all.</summary>
    /// <param name="namespaceName">The dotted namespace, empty for the global namespace.</param>
    /// <param name="typeNames">The type's name, preceded by its containing types' names, outermost first.</param>
    public TypeRule? Find(string namespaceName, IReadOnlyList<string> typeNames)
    {
        var key = namespaceName;
        TypeRule? inherited = null;
        for (var i = 0; i < typeNames.Count; i++)
        {
            key = key.Length == 0 ? typeNames[i] : key + "." + typeNames[i];
            if (_types.TryGetValue(key, out var rule))
            {
                inherited = rule;
            }
            else if (i == 0)
            {
                inherited = _namespaces.Contains(namespaceName) ? TypeRule.AllMembers : null;
            }

            if (inherited is null)
            {
                return null;
            }
        }

        return inherited;
    }
}
