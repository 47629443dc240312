namespace WalletCrew.Plugins.Engine.Policy;

/// <summary>The built-in allow-list for connector scripts: the one place that says what tenant code may use.</summary>
/// <remarks>Anything not listed is forbidden. Why each line is here (or absent) is in docs/policy.md.</remarks>
internal static class DefaultAllowList
{
    /// <summary>Adds the built-in rules to a builder.</summary>
    public static AllowListBuilder AddDefaults(this AllowListBuilder b) => b
        .Namespace("WalletCrew.Plugins")

        // Values, text and maths.
        .Types("System", "Void", "Boolean", "Byte", "SByte", "Char", "Int16", "Int32", "Int64", "UInt16", "UInt32", "UInt64",
            "Int128", "UInt128", "Single", "Double", "Half", "Decimal", "Math", "MathF", "Guid", "HashCode", "BitConverter",
            "DateTime", "DateTimeOffset", "TimeSpan", "DateOnly", "TimeOnly", "DateTimeKind", "DayOfWeek", "TimeProvider",
            "Uri", "UriBuilder", "UriKind", "UriComponents", "UriFormat", "UriPartial", "Version", "Random",
            "StringComparer", "StringComparison", "StringSplitOptions", "MidpointRounding", "Base64FormattingOptions",
            "FormattableString", "Index", "Range", "Nullable", "Enum", "Lazy",
            "Span", "ReadOnlySpan", "Memory", "ReadOnlyMemory", "MemoryExtensions", "ArraySegment",
            "Tuple", "ValueTuple", "TupleExtensions", "IComparable", "IEquatable", "IFormattable", "IFormatProvider",
            "ISpanFormattable", "IUtf8SpanFormattable", "IParsable", "ISpanParsable", "IConvertible", "ICloneable",
            "IDisposable", "IAsyncDisposable", "IObservable", "IObserver",
            "Action", "Func", "Predicate", "Comparison", "Converter", "EventHandler", "EventArgs",
            "AttributeUsageAttribute", "AttributeTargets", "FlagsAttribute", "ObsoleteAttribute", "SerializableAttribute",
            "NonSerializedAttribute")
        .Type("System.Object", t => t.Except("GetType", "Finalize"))
        .Type("System.String", t => t.Except("Intern", "IsInterned"))
        .Type("System.Convert", t => t.Except("ChangeType"))
        .Type("System.Array", t => t.Except("CreateInstance", "CreateInstanceFromArrayType"))
        .Type("System.TimeZoneInfo", t => t.Except("ClearCachedData"))
        .Type("System.Attribute", t => t.Only(".ctor"))
        .Type("System.Type", t => t.Only("op_Equality", "op_Inequality"))
        .Type("System.Delegate", t => t.Only("Combine", "Remove", "RemoveAll", "GetInvocationList", "op_Equality", "op_Inequality"))
        .Type("System.MulticastDelegate", t => t.Only("GetInvocationList", "op_Equality", "op_Inequality"))
        .Type("System.Environment", t => t.Only("NewLine"))

        // Exceptions: throw, catch and inspect.
        .Type("System.Exception", t => t.Except("TargetSite", "GetObjectData", "SerializeObjectState"))
        .Types("System", "ArgumentException", "ArgumentNullException", "ArgumentOutOfRangeException", "InvalidOperationException",
            "NotSupportedException", "NotImplementedException", "FormatException", "OverflowException", "ArithmeticException",
            "DivideByZeroException", "NullReferenceException", "IndexOutOfRangeException", "InvalidCastException",
            "TimeoutException", "OperationCanceledException", "AggregateException", "ObjectDisposedException",
            "UriFormatException", "ApplicationException")

        // Collections and LINQ.
        .Namespace("System.Collections")

        // Structural comparison recurses into elements inside the framework, where no checkpoint runs: an array that
        // contains itself would overflow the stack and end the process (docs/limits.md, "The stack").
        .Type("System.Collections.StructuralComparisons", t => t.Only())
        .Type("System.Collections.IStructuralEquatable", t => t.Only())
        .Type("System.Collections.IStructuralComparable", t => t.Only())
        .Namespace("System.Collections.Generic")
        .Namespace("System.Collections.ObjectModel")
        .Types("System.Collections.Concurrent", "ConcurrentDictionary", "ConcurrentQueue", "ConcurrentStack", "ConcurrentBag")
        .Types("System.Linq", "Enumerable", "IGrouping", "ILookup", "Lookup", "IOrderedEnumerable")

        // Text, JSON and regular expressions (the engine sets a match timeout).
        .Types("System.Text", "StringBuilder", "Rune", "NormalizationForm")
        .Type("System.Text.Encoding", t => t.Only("UTF8", "ASCII", "Unicode", "GetBytes", "GetString", "GetByteCount",
            "GetCharCount", "GetChars", "GetMaxByteCount", "GetMaxCharCount", "WebName"))
        .Type("System.Text.UTF8Encoding", t => t.Only(".ctor"))
        .Namespace("System.Text.Json")
        .Namespace("System.Text.Json.Nodes")
        .Namespace("System.Text.Json.Serialization")
        .Namespace("System.Text.Encodings.Web")
        .Types("System.Text.RegularExpressions", "Match", "MatchCollection", "Group", "GroupCollection", "Capture",
            "CaptureCollection", "RegexOptions", "RegexMatchTimeoutException", "MatchEvaluator", "ValueMatch",
            "RegexParseException", "RegexParseError")
        .Type("System.Text.RegularExpressions.Regex", t => t.Except("CacheSize", "CompileToAssembly"))
        .Types("System.Net", "WebUtility", "HttpStatusCode")
        .Types("System.Numerics", "BigInteger", "Complex")

        // Culture: read the cultures, never change the process or thread defaults.
        .Type("System.Globalization.CultureInfo", t => t.Only("InvariantCulture", "get_CurrentCulture", "get_CurrentUICulture",
            "GetCultureInfo", ".ctor", "Name", "DisplayName", "EnglishName", "NativeName", "TwoLetterISOLanguageName",
            "NumberFormat", "DateTimeFormat", "TextInfo", "CompareInfo", "Calendar", "IsNeutralCulture", "Parent", "GetFormat"))
        .Types("System.Globalization", "NumberStyles", "DateTimeStyles", "NumberFormatInfo", "DateTimeFormatInfo",
            "CompareInfo", "CompareOptions", "TextInfo", "UnicodeCategory", "CharUnicodeInfo", "ISOWeek", "Calendar",
            "GregorianCalendar", "CalendarWeekRule")

        // Asynchrony: await, compose and cancel; never start threads or block on a task.
        .Type("System.Threading.Tasks.Task", t => t.Only("FromResult", "FromException", "FromCanceled", "WhenAll", "WhenAny",
            "WhenEach", "Delay", "Yield", "CompletedTask", "IsCompleted", "IsCompletedSuccessfully", "IsFaulted", "IsCanceled",
            "Exception", "Status", "ConfigureAwait", "WaitAsync", "Dispose").Implicit("GetAwaiter"))
        .Type("System.Threading.Tasks.ValueTask", t => t.Only(".ctor", "FromResult", "FromException", "FromCanceled",
            "CompletedTask", "AsTask", "IsCompleted", "IsCompletedSuccessfully", "IsFaulted", "IsCanceled", "ConfigureAwait")
            .Implicit("GetAwaiter"))
        .Types("System.Threading.Tasks", "TaskStatus", "TaskCanceledException")
        .Types("System.Threading", "CancellationToken", "CancellationTokenRegistration", "Timeout", "Interlocked", "Volatile")
        .Type("System.Threading.CancellationTokenSource", t => t.Only(".ctor", "Token", "Cancel", "CancelAsync",
            "IsCancellationRequested", "CreateLinkedTokenSource", "TryReset", "Dispose"))
        .Type("System.Threading.SemaphoreSlim", t => t.Only(".ctor", "WaitAsync", "Release", "CurrentCount", "Dispose"))
        .Type("System.Threading.Lock", t => t.Only(".ctor"))
        .Type("System.Runtime.CompilerServices.TaskAwaiter", t => t.Implicit("IsCompleted", "GetResult"))
        .Type("System.Runtime.CompilerServices.YieldAwaitable", t => t.Implicit("GetAwaiter"))
        .Type("System.Runtime.CompilerServices.YieldAwaitable.YieldAwaiter", t => t.Implicit("IsCompleted", "GetResult"))
        .Type("System.Runtime.CompilerServices.ValueTaskAwaiter", t => t.Implicit("IsCompleted", "GetResult"))
        .Type("System.Runtime.CompilerServices.ConfiguredTaskAwaitable", t => t.Implicit("GetAwaiter", "IsCompleted", "GetResult"))
        .Type("System.Runtime.CompilerServices.ConfiguredValueTaskAwaitable", t => t.Implicit("GetAwaiter", "IsCompleted", "GetResult"))
        .Types("System.Runtime.CompilerServices", "ConfiguredCancelableAsyncEnumerable", "DefaultInterpolatedStringHandler",
            "FormattableStringFactory", "EnumeratorCancellationAttribute", "CallerMemberNameAttribute", "CallerFilePathAttribute",
            "CallerLineNumberAttribute", "CallerArgumentExpressionAttribute", "IsExternalInit", "ITuple")
        .Namespace("System.Diagnostics.CodeAnalysis")
        .Type("System.Diagnostics.Stopwatch", t => t.Only("StartNew", "Start", "Stop", "Restart", "Reset", "Elapsed",
            "ElapsedMilliseconds", "ElapsedTicks", "IsRunning", "GetTimestamp", "GetElapsedTime", "Frequency", ".ctor"))

        // Layout: sequential is harmless; Explicit is rejected as WCP1002 by the declaration check.
        .Types("System.Runtime.InteropServices", "StructLayoutAttribute", "LayoutKind")

        // Typed partner clients: Refit's generated path only, on the HttpClient the platform creates (Context.CreateHttpClient).
        // Not the overloads taking a host URL: Refit would create its own HttpClient, without the egress guard.
        .Type("Refit.RestService", t => t.Only(
            "ForGenerated(System.Net.Http.HttpClient, System.Text.Json.Serialization.JsonSerializerContext)",
            "ForGenerated(System.Net.Http.HttpClient, System.Text.Json.Serialization.JsonSerializerContext, Refit.RefitSettings)",
            "ForGenerated(System.Net.Http.HttpClient, Refit.RefitSettings)"))
        .Types("Refit", "GetAttribute", "PostAttribute", "PutAttribute", "DeleteAttribute", "PatchAttribute", "HeadAttribute",
            "OptionsAttribute", "HttpMethodAttribute", "BodyAttribute", "BodySerializationMethod", "QueryAttribute", "CollectionFormat",
            "HeaderAttribute", "HeadersAttribute", "HeaderCollectionAttribute", "AliasAsAttribute", "AuthorizeAttribute",
            "PropertyAttribute", "ApiResponse", "IApiResponse", "ApiException", "ApiExceptionBase", "ApiRequestException",
            "ValidationApiException", "ProblemDetails")
        .Type("Refit.RefitSettings", t => t.Only(".ctor", "ContentSerializer", "ForJsonContext", "UseJsonContext"))
        .Type("Refit.SystemTextJsonContentSerializer", t => t.Only(".ctor"))
        .Type("Refit.IHttpContentSerializer", t => t.Only())
        .Type("System.Net.Http.HttpClient", t => t.Only())

        // Logging.
        .Types("Microsoft.Extensions.Logging", "ILogger", "LoggerExtensions", "LogLevel", "EventId");
}
