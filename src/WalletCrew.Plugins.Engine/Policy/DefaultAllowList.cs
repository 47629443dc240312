namespace WalletCrew.Plugins.Engine.Policy;

/// <summary>The built-in allow-list for connector scripts: the one place that says what tenant code may use.</summary>
/// <remarks>Anything not listed is forbidden. Why each line is here (or absent) is in docs/policy.md.</remarks>
internal static class DefaultAllowList
{
    private const string Options = "System.Text.RegularExpressions.RegexOptions";

    // Every Regex overload that takes a match timeout, by signature (the ones without it stay allowed).
    private static readonly string[] RegexTimeoutOverloads =
    [
        $".ctor(string, {Options}, System.TimeSpan)",
        $"IsMatch(string, string, {Options}, System.TimeSpan)",
        $"IsMatch(System.ReadOnlySpan<char>, string, {Options}, System.TimeSpan)",
        $"Match(string, string, {Options}, System.TimeSpan)",
        $"Matches(string, string, {Options}, System.TimeSpan)",
        $"Replace(string, string, string, {Options}, System.TimeSpan)",
        $"Replace(string, string, System.Text.RegularExpressions.MatchEvaluator, {Options}, System.TimeSpan)",
        $"Split(string, string, {Options}, System.TimeSpan)",
        $"Count(string, string, {Options}, System.TimeSpan)",
        $"Count(System.ReadOnlySpan<char>, string, {Options}, System.TimeSpan)",
        $"EnumerateMatches(System.ReadOnlySpan<char>, string, {Options}, System.TimeSpan)",
        $"EnumerateSplits(System.ReadOnlySpan<char>, string, {Options}, System.TimeSpan)",
    ];

    /// <summary>Adds the built-in rules to a builder.</summary>
    public static AllowListBuilder AddDefaults(this AllowListBuilder b) => b
        .Namespace("WalletCrew.Plugins")

        // Values, text and maths.
        .Types("System", "Void", "Boolean", "Byte", "SByte", "Char", "Int16", "Int32", "Int64", "UInt16", "UInt32", "UInt64",
            "Int128", "UInt128", "Single", "Double", "Half", "Decimal", "Math", "MathF", "Guid", "HashCode", "BitConverter",
            "DateTime", "DateTimeOffset", "TimeSpan", "DateOnly", "TimeOnly", "DateTimeKind", "DayOfWeek",
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
        // Pin allocates a pinned handle that only disposing its MemoryHandle frees: an undisposed one keeps its array (and a
        // connector's load context, through its element type) alive for the life of the process.
        .Type("System.Memory", t => t.Except("Pin"))
        .Type("System.ReadOnlyMemory", t => t.Except("Pin"))
        // A timer's callback runs on a pool thread, outside the invocation; Task.Delay(delay, provider) is the way to wait.
        .Type("System.TimeProvider", t => t.Except("CreateTimer"))
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
        .Type("System.Text.RegularExpressions.Regex", t => t.Except("CacheSize", "CompileToAssembly")
            // The engine's match timeout is the only one (Limits/RegexTimeout): no overload that takes a timeout, no way to unset it.
            .Except("InfiniteMatchTimeout", "internalMatchTimeout", "ValidateMatchTimeout")
            .Except(RegexTimeoutOverloads))
        .Types("System.Net", "WebUtility", "HttpStatusCode")

        // Signing requests: hashing, HMAC, random numbers, RSA/ECDsa with keys given as PEM, JWK parameters or bytes.
        // Not key or certificate stores, CNG/CSP/OpenSSL key handles, certificates, or creating an algorithm by name
        // (CryptoConfig); nothing here reads a file.
        .Types("System.Security.Cryptography", "SHA3_256", "SHA3_384", "SHA3_512", "ECAlgorithm",
            "HMACSHA1", "HMACSHA256", "HMACSHA384", "HMACSHA512", "HMACSHA3_256", "HMACSHA3_384", "HMACSHA3_512", "HMACMD5",
            "IncrementalHash", "CryptographicOperations", "HashAlgorithmName", "RSASignaturePadding", "RSASignaturePaddingMode",
            "RSAEncryptionPadding", "RSAEncryptionPaddingMode", "RSAParameters", "ECCurve", "ECParameters", "ECPoint",
            "DSASignatureFormat", "CryptographicException", "PemEncoding", "PemFields", "PbeParameters", "PbeEncryptionAlgorithm")
        // Create(string) goes through CryptoConfig, which instantiates any type named in the string. The plugin check knows
        // only member names, so it refuses every Create there (plugins hash with HashData and the HMAC classes).
        .Type("System.Security.Cryptography.SHA1", t => t.Except("Create(string)").ExceptWhenOverloadUnknown("Create"))
        .Type("System.Security.Cryptography.SHA256", t => t.Except("Create(string)").ExceptWhenOverloadUnknown("Create"))
        .Type("System.Security.Cryptography.SHA384", t => t.Except("Create(string)").ExceptWhenOverloadUnknown("Create"))
        .Type("System.Security.Cryptography.SHA512", t => t.Except("Create(string)").ExceptWhenOverloadUnknown("Create"))
        .Type("System.Security.Cryptography.MD5", t => t.Except("Create(string)").ExceptWhenOverloadUnknown("Create"))
        .Type("System.Security.Cryptography.RandomNumberGenerator", t => t.Except("Create(string)").ExceptWhenOverloadUnknown("Create"))
        .Type("System.Security.Cryptography.HashAlgorithm", t => t.Except("Create"))
        .Type("System.Security.Cryptography.KeyedHashAlgorithm", t => t.Except("Create"))
        .Type("System.Security.Cryptography.HMAC", t => t.Except("Create"))
        .Type("System.Security.Cryptography.AsymmetricAlgorithm", t => t.Except("Create"))
        .Type("System.Security.Cryptography.RSA", t => t.Except("Create(string)").ExceptWhenOverloadUnknown("Create"))
        .Type("System.Security.Cryptography.ECDsa", t => t.Except("Create(string)").ExceptWhenOverloadUnknown("Create"))
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
        .Types("System.Threading.Tasks", "TaskStatus", "TaskCanceledException", "TaskCreationOptions")
        // Bridges a callback to a task; nothing is scheduled, and one never completed only runs the hook into its time limit.
        .Type("System.Threading.Tasks.TaskCompletionSource", t => t.Only(".ctor", "Task", "SetResult", "TrySetResult", "SetException",
            "TrySetException", "SetCanceled", "TrySetCanceled", "SetFromTask", "TrySetFromTask"))
        .Types("System.Threading", "CancellationTokenRegistration", "Timeout", "Interlocked", "Volatile")
        // A registered callback runs on whichever thread cancels (a source's timer, the engine at the deadline), outside the
        // invocation, and an exception it throws ends the process. Await the token instead (WaitAsync, Task.Delay).
        .Type("System.Threading.CancellationToken", t => t.Except("Register", "UnsafeRegister"))
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
        // DefaultInterpolatedStringHandler only as $"..." uses it: it is a struct over an array rented from the shared ArrayPool,
        // and a copy a script called itself could read, write and re-return an array the host rents next. Not named either:
        // a handler a script holds can be copied and handed to string.Create(provider, ref handler), which clears it.
        .Type("System.Runtime.CompilerServices.DefaultInterpolatedStringHandler", t => t.Implicit(".ctor", "AppendLiteral", "AppendFormatted",
            "ToStringAndClear").NotNamed())
        .Types("System.Runtime.CompilerServices", "ConfiguredCancelableAsyncEnumerable",
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
