using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;

namespace WalletCrew.Plugins.Engine.Limits;

/// <summary>
/// Bounds every <see cref="Regex"/> of the process, tenant code's included (static helpers such as <c>Regex.IsMatch</c> too):
/// the runtime's default match timeout, read once when the first regular expression is used, is set when the engine loads.
/// </summary>
/// <remarks>The policy refuses the overloads that take a timeout (and <c>Regex.InfiniteMatchTimeout</c>), so the default is
/// the only one tenant scripts get. Entry points (wcp, the Host) run this before anything else, since a Regex used earlier in
/// the process fixes the default for good.</remarks>
internal static class RegexTimeout
{
    /// <summary>The <see cref="AppContext"/> key the runtime reads the default match timeout from.</summary>
    public const string AppContextKey = "REGEX_DEFAULT_MATCH_TIMEOUT";

    /// <summary>Gets a value indicating whether the default is in force: false when a Regex was used before the engine loaded.</summary>
    public static bool IsInForce => new Regex("x").MatchTimeout != Regex.InfiniteMatchTimeout;

    [ModuleInitializer]
    [SuppressMessage("Usage", "CA2255:The 'ModuleInitializer' attribute should not be used in libraries", Justification = "The default must be set before the process's first Regex; the engine is what needs it.")]
    internal static void Initialize()
    {
        // Keep a shorter timeout the host set itself; replace none, infinite or longer.
        if (AppContext.GetData(AppContextKey) is not TimeSpan configured || configured <= TimeSpan.Zero || configured > EngineDefaults.RegexMatchTimeout)
        {
            AppDomain.CurrentDomain.SetData(AppContextKey, EngineDefaults.RegexMatchTimeout);
        }
    }
}
