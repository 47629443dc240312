namespace WalletCrew.Plugins.Engine.Policy;

/// <summary>Configures the <see cref="TypeRule"/> of one type in <see cref="AllowListBuilder.Type(string, Action{TypeRuleBuilder})"/>.</summary>
internal sealed class TypeRuleBuilder
{
    private readonly List<string> _except = [];
    private readonly List<string> _implicitOnly = [];
    private List<string>? _only;

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

    /// <summary>Allows the named members only when a language construct calls them (<c>await</c> calling <c>GetAwaiter</c>).</summary>
    public TypeRuleBuilder Implicit(params string[] members)
    {
        _only ??= [];
        _implicitOnly.AddRange(members);
        return this;
    }

    internal TypeRule Build() => _only is null && _except.Count == 0 && _implicitOnly.Count == 0
        ? TypeRule.AllMembers
        : new TypeRule(_only, _except, _implicitOnly);
}
