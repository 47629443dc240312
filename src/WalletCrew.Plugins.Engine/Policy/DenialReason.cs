namespace WalletCrew.Plugins.Engine.Policy;

/// <summary>The category text of a WCP1001 message: what is forbidden, and what to use instead.</summary>
/// <param name="Reason">Completes "is not allowed in connectors: …", e.g. "file system access is forbidden".</param>
/// <param name="Hint">A sentence telling the author what to do instead.</param>
internal sealed record DenialReason(string Reason, string Hint);
