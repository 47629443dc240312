namespace WalletCrew.Plugins.Engine;

/// <summary>Where tenant code runs (<c>WalletCrew:Engine:Isolation</c>, <c>wcp --isolation</c>).</summary>
public enum IsolationMode
{
    /// <summary>In a sandboxed worker when bubblewrap works on this machine; otherwise in this process, with a warning.</summary>
    Auto,

    /// <summary>Each tenant in a worker process of its own inside a bubblewrap sandbox (no network, no files beyond its images, memory-capped, killed past its deadline); refuses to start without bubblewrap.</summary>
    Sandbox,

    /// <summary>In this process, guarded by the API policy and the limits only: for development and trusted tenants.</summary>
    InProcess,
}
