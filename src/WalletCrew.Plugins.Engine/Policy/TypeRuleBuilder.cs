namespace WalletCrew.Plugins.Engine.Policy;

/// <summary>Configures the <see cref="TypeRule"/> of one type in <see cref="AllowListBuilder.Type(string, Action{TypeRuleBuilder})"/>.</summary>
internal sealed class TypeRuleBuilder
{
    private readonly List<string> _except = [];
    private readonly List<string> _implicitOnly = [];
    private readonly List<string> _exceptWhenOverloadUnknown = [];
    private List<string>? _only;
    private bool _mayBeNamed = true;

    /// <summary>Allows only the named members (none: the type may be named, held and compared, but not used).</summary>
    public TypeRuleBuilder Only(params string[] members)
    {
        (_only ??= []).AddRange(members);
        return this;
    }

    /// <summary>Allows every member except the named ones.</summary>
    public TypeRuleBuilder Except(params string[] members)
    {
        _except.AddRange(members);
        return this;
    }

    /// <summary>
    /// Refuses the named members where the caller knows only a member's name, not its overload (the plugin metadata check):
    /// pair it with an <see cref="Except"/> by signature, so that the one dangerous overload is not let through by its name.
    /// </summary>
    public TypeRuleBuilder ExceptWhenOverloadUnknown(params string[] members)
    {
        _exceptWhenOverloadUnknown.AddRange(members);
        return this;
    }

    /// <summary>Allows the named members only when a language construct calls them (<c>await</c> calling <c>GetAwaiter</c>).</summary>
    public TypeRuleBuilder Implicit(params string[] members)
    {
        _only ??= [];
        _implicitOnly.AddRange(members);
        return this;
    }

    /// <summary>
    /// Refuses naming the type in a script (a parameter, local, field or type argument of that type): only values the
    /// compiler makes for a language construct exist, so none can be copied or handed to a member that consumes it.
    /// </summary>
    public TypeRuleBuilder NotNamed()
    {
        _mayBeNamed = false;
        return this;
    }

    internal TypeRule Build() => _only is null && _except.Count == 0 && _implicitOnly.Count == 0 && _exceptWhenOverloadUnknown.Count == 0 && _mayBeNamed
        ? TypeRule.AllMembers
        : new TypeRule(_only, _except, _implicitOnly, _exceptWhenOverloadUnknown) { MayBeNamed = _mayBeNamed };
}
