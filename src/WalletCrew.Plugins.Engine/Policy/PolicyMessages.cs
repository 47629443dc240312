using System.Diagnostics.CodeAnalysis;
using Microsoft.CodeAnalysis;

namespace WalletCrew.Plugins.Engine.Policy;

/// <summary>Every message the policy reports, as diagnostics located in the user's script.</summary>
[SuppressMessage(
    "MicrosoftCodeAnalysisReleaseTracking", "RS2008", Justification = "Reported by the engine, not by a shipped analyzer.")]
internal static class PolicyMessages
{
    private const string NotAllowed = "'{0}' is not allowed in connectors: ";

    private static readonly DiagnosticDescriptor ForbiddenApiRule = Rule(
        PolicyDiagnosticIds.ForbiddenApi, "Forbidden API", NotAllowed + "{1}. {2}");

    private static readonly DiagnosticDescriptor ConstructedTypeParameterRule = Rule(
        PolicyDiagnosticIds.ForbiddenApi, "Unchecked construction",
        NotAllowed + "it is passed where instances of it get constructed (a deserializer, Lazy, new(), typeof), and the policy checks "
        + "only concrete types there. Use the concrete type, or add 'where {0} : new()' so that every caller's type is checked.");

    private static readonly DiagnosticDescriptor TypeOfUnknownOriginRule = Rule(
        PolicyDiagnosticIds.ForbiddenApi, "System.Type of unknown origin",
        NotAllowed + "it hands the connector a System.Type that no typeof named, and what takes a Type (a serializer) constructs "
        + "it, refused constructors and setters included. Name the type with typeof(...) where it is used.");

    private static readonly DiagnosticDescriptor UnsafeCodeRule = Rule(
        PolicyDiagnosticIds.UnsafeCode, "Unsafe code",
        NotAllowed + "unsafe code, pointers and stackalloc can corrupt memory or crash the host. Use arrays, spans over arrays and collections.");

    private static readonly DiagnosticDescriptor NativeCodeRule = Rule(
        PolicyDiagnosticIds.NativeCode, "Native or external code",
        NotAllowed + "native and externally loaded code cannot be checked. Use fetch (FetchAsync) to reach partner systems.");

    private static readonly DiagnosticDescriptor LoadTimeCodeRule = Rule(
        PolicyDiagnosticIds.LoadTimeCode, "Code outside an invocation", NotAllowed + "{1}. {2}");

    private static readonly DiagnosticDescriptor AsyncVoidRule = Rule(
        PolicyDiagnosticIds.AsyncVoid, "async void",
        NotAllowed + "an async void method cannot be awaited, and an exception it throws crashes the host. Return Task instead.");

    private static readonly DiagnosticDescriptor LateBoundRule = Rule(
        PolicyDiagnosticIds.LateBound, "Late-bound code",
        NotAllowed + "dynamic and late-bound calls cannot be checked. Use typed objects, JsonElement or JsonNode instead.");

    private static readonly DiagnosticDescriptor UnresolvedRule = Rule(
        PolicyDiagnosticIds.LateBound, "Unresolved code",
        NotAllowed + "the policy could not resolve what it calls, and refuses what it cannot check. Call typed members directly.");

    /// <summary>WCP1001: a symbol outside the allow-list, with its category and what to do instead.</summary>
    public static Diagnostic ForbiddenApi(ISymbol symbol, Location location)
    {
        var reason = DenialReasons.For(SymbolNames.Dotted(symbol));
        return Diagnostic.Create(ForbiddenApiRule, location, SymbolNames.Display(symbol), reason.Reason, reason.Hint);
    }

    /// <summary>WCP1001: a tenant type parameter, without <c>new()</c>, passed where its instances get constructed.</summary>
    public static Diagnostic ConstructedTypeParameter(string parameter, Location location) =>
        Diagnostic.Create(ConstructedTypeParameterRule, location, parameter);

    /// <summary>WCP1001: a framework member, or a parameter, that hands out a <c>System.Type</c> no <c>typeof</c> named.</summary>
    public static Diagnostic TypeOfUnknownOrigin(string source, Location location) =>
        Diagnostic.Create(TypeOfUnknownOriginRule, location, source);

    /// <summary>WCP1002: <c>unsafe</c>, a pointer, <c>stackalloc</c>, explicit layout or a <c>__makeref</c>-style keyword.</summary>
    public static Diagnostic UnsafeCode(string construct, Location location) =>
        Diagnostic.Create(UnsafeCodeRule, location, construct);

    /// <summary>WCP1003: an <c>extern</c> method, <c>[DllImport]</c>, <c>[LibraryImport]</c>, <c>#r</c>, <c>#load</c> or <c>extern alias</c>.</summary>
    public static Diagnostic NativeCode(string construct, Location location) =>
        Diagnostic.Create(NativeCodeRule, location, construct);

    /// <summary>WCP1004: a module initializer.</summary>
    public static Diagnostic ModuleInitializer(string method, Location location) => Diagnostic.Create(
        LoadTimeCodeRule, location, method, "a module initializer runs when the connector loads, before any limit applies",
        "Put start-up code in the script's top-level statements.");

    /// <summary>WCP1004: a finalizer.</summary>
    public static Diagnostic Finalizer(string type, Location location) => Diagnostic.Create(
        LoadTimeCodeRule, location, type, "a finalizer runs on the runtime's shared finalizer thread, outside any limit",
        "Implement IDisposable and use a using statement.");

    /// <summary>WCP1005: an <c>async void</c> method, local function or lambda.</summary>
    public static Diagnostic AsyncVoid(string method, Location location) =>
        Diagnostic.Create(AsyncVoidRule, location, method);

    /// <summary>WCP1006: <c>dynamic</c> or a late-bound operation.</summary>
    public static Diagnostic LateBound(string construct, Location location) =>
        Diagnostic.Create(LateBoundRule, location, construct);

    /// <summary>WCP1006: code the policy could not resolve to a symbol while the compilation reports no error.</summary>
    public static Diagnostic Unresolved(string code, Location location) =>
        Diagnostic.Create(UnresolvedRule, location, code);

    private static DiagnosticDescriptor Rule(string id, string title, string format) => new(
        id, title, format, PolicyDiagnosticIds.Category, DiagnosticSeverity.Error, isEnabledByDefault: true);
}
