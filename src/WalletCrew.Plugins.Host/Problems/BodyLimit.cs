namespace WalletCrew.Plugins.Host.Problems;

/// <summary>The most bytes a request body may hold, and the setting that says so (a 413 names it).</summary>
internal readonly record struct BodyLimit(int Bytes, string Setting);
