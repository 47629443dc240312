namespace WalletCrew.Plugins.Engine.Compilation;

/// <summary>Compiles one connector script with Roslyn into a portable executable.</summary>
internal sealed class ScriptCompiler
{
}
