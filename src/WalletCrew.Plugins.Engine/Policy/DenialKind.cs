namespace WalletCrew.Plugins.Engine.Policy;

/// <summary>Why the judge refused a symbol; selects the diagnostic id.</summary>
internal enum DenialKind
{
    /// <summary>Not on the allow-list (WCP1001).</summary>
    Forbidden,

    /// <summary>A pointer or function pointer type (WCP1002).</summary>
    Unsafe,

    /// <summary>The <c>dynamic</c> type (WCP1006).</summary>
    Dynamic,

    /// <summary>A type parameter without <c>new()</c> in a place that constructs it (WCP1001).</summary>
    ConstructedTypeParameter,

    /// <summary>A member or parameter that hands tenant code a <c>System.Type</c> no <c>typeof</c> named (WCP1001).</summary>
    TypeOfUnknownOrigin,

    /// <summary>No symbol, or an error symbol (WCP1006, only when the compilation has no errors of its own).</summary>
    Unresolved,
}
