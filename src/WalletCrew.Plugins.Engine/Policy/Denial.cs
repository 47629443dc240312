using Microsoft.CodeAnalysis;

namespace WalletCrew.Plugins.Engine.Policy;

/// <summary>The judge's refusal: the offending symbol (possibly a type argument of the symbol used) and why.</summary>
/// <param name="Symbol">The symbol to name in the diagnostic; <see langword="null"/> when nothing could be resolved.</param>
/// <param name="Kind">Why it was refused.</param>
internal readonly record struct Denial(ISymbol? Symbol, DenialKind Kind);
