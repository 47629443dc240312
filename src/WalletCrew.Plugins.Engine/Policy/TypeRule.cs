namespace WalletCrew.Plugins.Engine.Policy;

/// <summary>What may be used of one allowed type: every member but some, or only the ones listed.</summary>
/// <remarks>
/// Names are metadata names and cover every overload: <c>.ctor</c>, <c>op_Addition</c>, <c>ReadAllText</c>. A property name
/// covers both accessors; <c>get_Name</c> or <c>set_Name</c> names one. Indexers are <c>Item</c>. A signature,
/// <c>ForGenerated(System.Net.Http.HttpClient, Refit.RefitSettings)</c>, names one overload (parameter types as in messages).
/// </remarks>
internal sealed class TypeRule
{
    private readonly HashSet<string>? _only;
    private readonly HashSet<string> _except;
    private readonly HashSet<string> _implicitOnly;
    private readonly HashSet<string> _exceptWhenOverloadUnknown;

    public TypeRule(IEnumerable<string>? only, IEnumerable<string> except, IEnumerable<string> implicitOnly, IEnumerable<string>? exceptWhenOverloadUnknown = null)
    {
        _only = only is null ? null : new HashSet<string>(only, StringComparer.Ordinal);
        _except = new HashSet<string>(except, StringComparer.Ordinal);
        _implicitOnly = new HashSet<string>(implicitOnly, StringComparer.Ordinal);
        _exceptWhenOverloadUnknown = new HashSet<string>(exceptWhenOverloadUnknown ?? [], StringComparer.Ordinal);
    }

    /// <summary>Gets whether a script may name the type itself (<see cref="TypeRuleBuilder.NotNamed"/>); plugins are judged by member.</summary>
    public bool MayBeNamed { get; init; } = true;

    /// <summary>Gets the rule that allows every member.</summary>
    public static TypeRule AllMembers { get; } = new(null, [], []);

    /// <summary>Decides whether a member known by any of <paramref name="names"/> may be used.</summary>
    /// <param name="names">The member's names, e.g. <c>get_Item</c> and <c>Item</c> for an indexer read.</param>
    /// <param name="implicitUse">The compiler calls it for a language construct (<c>await</c>, <c>foreach</c>), the author did not write it.</param>
    public bool Allows(IReadOnlyList<string> names, bool implicitUse)
    {
        // A method judged from source also answers to its signature; without one, the overload is unknown.
        var overloadKnown = names.Any(n => n.Contains('(', StringComparison.Ordinal));
        foreach (var name in names)
        {
            if (_except.Contains(name) || (!overloadKnown && _exceptWhenOverloadUnknown.Contains(name)))
            {
                return false;
            }
        }

        if (_only is null)
        {
            return true;
        }

        foreach (var name in names)
        {
            if (_only.Contains(name) || (implicitUse && _implicitOnly.Contains(name)))
            {
                return true;
            }
        }

        return false;
    }
}
