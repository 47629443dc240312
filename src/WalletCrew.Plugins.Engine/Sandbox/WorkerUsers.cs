namespace WalletCrew.Plugins.Engine;

/// <summary>Which users a root host's workers run as outside their namespaces.</summary>
internal enum WorkerUsers
{
    /// <summary>A uid of its own for each running worker (the default).</summary>
    OwnEach,

    /// <summary>All of them <c>nobody</c> (tests: what a uid of their own adds).</summary>
    Nobody,

    /// <summary>Root, as the host (tests: what an unprivileged user adds).</summary>
    Root,
}
