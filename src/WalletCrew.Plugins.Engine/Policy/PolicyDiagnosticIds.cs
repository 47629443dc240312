namespace WalletCrew.Plugins.Engine.Policy;

/// <summary>The ids of the diagnostics the script policy reports; all are errors.</summary>
internal static class PolicyDiagnosticIds
{
    /// <summary>A symbol that is not on the allow-list.</summary>
    public const string ForbiddenApi = "WCP1001";

    /// <summary><c>unsafe</c>, pointers, function pointers, <c>stackalloc</c>, explicit layout and undocumented <c>__makeref</c>-style keywords.</summary>
    public const string UnsafeCode = "WCP1002";

    /// <summary><c>extern</c> methods, <c>[DllImport]</c>, <c>[LibraryImport]</c>, <c>#r</c>, <c>#load</c> and <c>extern alias</c>.</summary>
    public const string NativeCode = "WCP1003";

    /// <summary>Code that runs outside an invocation: <c>[ModuleInitializer]</c> and finalizers.</summary>
    public const string LoadTimeCode = "WCP1004";

    /// <summary><c>async void</c> methods, local functions and lambdas.</summary>
    public const string AsyncVoid = "WCP1005";

    /// <summary><c>dynamic</c>, late-bound calls and anything the policy cannot resolve to a symbol.</summary>
    public const string LateBound = "WCP1006";

    /// <summary>The category shared by all policy diagnostics.</summary>
    public const string Category = "WalletCrew.Policy";
}
