namespace WalletCrew.Plugins.Engine;

/// <summary>How an engine obtained its connectors' images so far.</summary>
/// <param name="Compiled">Scripts compiled with Roslyn.</param>
/// <param name="FromCache">Scripts loaded from the compile cache without compiling.</param>
public sealed record CompileStatistics(int Compiled, int FromCache);
