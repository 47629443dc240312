namespace WalletCrew.Plugins.Engine.Plugins;

/// <summary>One managed assembly of a plugin folder as it was judged: its identity from its metadata, and the bytes that load.</summary>
/// <param name="RelativePath">Its path in the plugin folder (<c>de/Crm.resources.dll</c>).</param>
/// <param name="Name">Its simple assembly name, from metadata (not from the file name).</param>
/// <param name="Culture">Its culture, <c>neutral</c> for code.</param>
/// <param name="Image">The judged image; the load context loads exactly these bytes.</param>
/// <param name="Symbols">Its portable PDB, when one sits beside it (for line numbers in errors).</param>
internal sealed record PluginAssemblyFile(string RelativePath, string Name, string Culture, byte[] Image, byte[]? Symbols);
