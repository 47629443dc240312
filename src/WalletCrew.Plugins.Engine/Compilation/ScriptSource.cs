namespace WalletCrew.Plugins.Engine.Compilation;

/// <summary>One connector script to compile.</summary>
/// <param name="TenantId">The tenant it belongs to.</param>
/// <param name="DisplayPath">Its path relative to the tenant folder, as diagnostics and stack traces show it.</param>
/// <param name="Text">Its source text.</param>
internal sealed record ScriptSource(string TenantId, string DisplayPath, string Text);
