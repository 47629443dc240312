namespace WalletCrew.Plugins.Engine.Policy;

/// <summary>
/// What the C# compiler and the SDK emit into every assembly for constructs the script policy allows in source
/// (<c>async</c>, iterators, <c>typeof</c>, records, array initializers, nullable and assembly-info attributes): allowed
/// in plugin metadata on top of the allow-list, because a plugin cannot avoid them.
/// </summary>
internal static class MetadataPlumbing
{
    public static AllowList List { get; } = new AllowListBuilder()
        .Types("System.Runtime.CompilerServices",
            "AsyncTaskMethodBuilder", "AsyncValueTaskMethodBuilder", "AsyncIteratorMethodBuilder", "PoolingAsyncValueTaskMethodBuilder",
            "IAsyncStateMachine", "TaskAwaiter", "ValueTaskAwaiter", "ConfiguredTaskAwaitable", "ConfiguredValueTaskAwaitable",
            "ConfiguredCancelableAsyncEnumerable", "YieldAwaitable", "AsyncStateMachineAttribute", "IteratorStateMachineAttribute",
            "AsyncIteratorStateMachineAttribute", "CompilerGeneratedAttribute", "NullableAttribute", "NullableContextAttribute",
            "NullablePublicOnlyAttribute", "IsReadOnlyAttribute", "IsByRefLikeAttribute", "IsExternalInit", "IsVolatile",
            "RefSafetyRulesAttribute", "ExtensionAttribute", "TupleElementNamesAttribute", "CompilationRelaxationsAttribute",
            "RuntimeCompatibilityAttribute", "DefaultInterpolatedStringHandler", "InterpolatedStringHandlerAttribute",
            "InterpolatedStringHandlerArgumentAttribute", "RequiredMemberAttribute", "CompilerFeatureRequiredAttribute",
            "ScopedRefAttribute", "ParamCollectionAttribute", "AsyncMethodBuilderAttribute", "FormattableStringFactory",
            "EnumeratorCancellationAttribute", "CallerMemberNameAttribute", "CallerFilePathAttribute", "CallerLineNumberAttribute",
            "CallerArgumentExpressionAttribute", "PreserveBaseOverridesAttribute", "InlineArrayAttribute")
        .Type("System.Runtime.CompilerServices.RuntimeHelpers", t => t.Only("InitializeArray", "CreateSpan", "GetSubArray", "EnsureSufficientExecutionStack"))
        .Type("System.Type", t => t.Only("GetTypeFromHandle", "op_Equality", "op_Inequality"))
        .Types("System", "ValueType", "RuntimeTypeHandle", "RuntimeFieldHandle", "ParamArrayAttribute")
        .Types("System.Diagnostics", "DebuggableAttribute", "DebuggerBrowsableAttribute", "DebuggerBrowsableState", "DebuggerHiddenAttribute",
            "DebuggerStepThroughAttribute", "DebuggerDisplayAttribute", "DebuggerNonUserCodeAttribute")
        .Types("System.Diagnostics.CodeAnalysis", "SetsRequiredMembersAttribute")
        .Namespace("System.Threading.Tasks.Sources")
        .Type("System.Environment", t => t.Only("CurrentManagedThreadId"))
        .Type("System.Runtime.ExceptionServices.ExceptionDispatchInfo", t => t.Only("Capture", "Throw"))
        .Types("System.Runtime.Versioning", "TargetFrameworkAttribute")
        .Types("System.Runtime.InteropServices", "InAttribute", "OutAttribute")
        .Types("System.Reflection", "AssemblyCompanyAttribute", "AssemblyConfigurationAttribute", "AssemblyFileVersionAttribute",
            "AssemblyInformationalVersionAttribute", "AssemblyProductAttribute", "AssemblyTitleAttribute", "AssemblyVersionAttribute",
            "AssemblyMetadataAttribute", "AssemblyDescriptionAttribute", "AssemblyCopyrightAttribute", "AssemblyTrademarkAttribute",
            "DefaultMemberAttribute")
        .Build();
}
