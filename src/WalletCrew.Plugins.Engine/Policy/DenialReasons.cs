namespace WalletCrew.Plugins.Engine.Policy;

/// <summary>Maps a forbidden symbol's dotted name to the category its message gives; the longest matching prefix wins.</summary>
internal static class DenialReasons
{
    private static readonly DenialReason FileSystem = new(
        "file system access is forbidden", "Use fetch (FetchAsync) to reach partner systems.");

    private static readonly DenialReason Processes = new(
        "starting or inspecting processes is forbidden", "Call the partner system over fetch (FetchAsync) instead.");

    private static readonly DenialReason Reflection = new(
        "reflection and run-time code generation are forbidden", "Call the members you need directly; typeof(T) and nameof are allowed.");

    private static readonly DenialReason Memory = new(
        "interop and raw memory access are forbidden", "Use arrays, spans over arrays and collections.");

    private static readonly DenialReason Background = new(
        "starting background work is forbidden: it would outlive the invocation and escape its limits", "Use await, and Task.WhenAll to run calls concurrently.");

    private static readonly DenialReason Callbacks = new(
        "a callback on a token or timer runs on whichever thread fires it, after or outside the invocation, and an exception it throws ends the process",
        "Await instead: await task.WaitAsync(token), await Task.Delay(delay, token).");

    private static readonly DenialReason Blocking = new(
        "blocking a thread is forbidden", "Use await (and a lock statement to guard shared state).");

    private static readonly DenialReason ProcessState = new(
        "reading or changing process-wide state is forbidden", "Keep settings in the tenant's secrets (GetSecretAsync).");

    private static readonly DenialReason Console = new(
        "the console is forbidden", "Write to Log (an ILogger) instead.");

    private static readonly DenialReason Network = new(
        "network access outside fetch is forbidden", "Use fetch (FetchAsync) to reach partner systems.");

    private static readonly DenialReason RegexTimeout = new(
        "the engine sets the match timeout of every regular expression (1 s), and tenant code cannot pass or remove one",
        "Use the overload without a timeout; a pattern that needs longer should be made simpler (or RegexOptions.NonBacktracking).");

    private static readonly DenialReason KeyStores = new(
        "key stores, certificates and platform key handles are forbidden: they reach the machine's keys and files",
        "Keep the key in the tenant's secrets as PEM (or JWK values) and import it: RSA.Create().ImportFromPem(await GetSecretAsync(\"KEY\")).");

    private static readonly DenialReason ByName = new(
        "creating an algorithm by name is forbidden: CryptoConfig reflects over whatever type the name says",
        "Call the parameterless factory (RSA.Create(), SHA256.Create()) or a static HashData.");

    private static readonly DenialReason NotAllowListed = new(
        "it is not on the connectors' allow-list", "See docs/policy.md for what connectors may use.");

    private static readonly (string Prefix, DenialReason Reason)[] Table =
    [
        ("System.IO", FileSystem),
        ("System.Diagnostics.Process", Processes),
        ("System.Diagnostics.ProcessStartInfo", Processes),
        ("System.Reflection", Reflection),
        ("System.Type", Reflection),
        ("System.Activator", Reflection),
        ("System.Object.GetType", Reflection),
        ("System.Delegate", Reflection),
        ("System.MulticastDelegate", Reflection),
        ("System.Exception.TargetSite", Reflection),
        ("System.Linq.Expressions", Reflection),
        ("System.Runtime.Loader", Reflection),
        ("System.Runtime.InteropServices", Memory),
        ("System.Runtime.CompilerServices.Unsafe", Memory),
        ("System.Runtime.CompilerServices.RuntimeHelpers", Memory),
        ("System.Runtime.Intrinsics", Memory),
        ("System.Buffer", Memory),
        ("System.Buffers", Memory),
        ("System.IntPtr", Memory),
        ("System.UIntPtr", Memory),
        ("System.TypedReference", Memory),
        ("System.ArgIterator", Memory),
        ("System.Threading.Thread", Background),
        ("System.Threading.ThreadPool", Background),
        ("System.Threading.Timer", Background),
        ("System.Threading.PeriodicTimer", Background),
        ("System.Timers", Background),
        ("System.Threading.Tasks.Parallel", Background),
        ("System.Threading.Tasks.TaskFactory", Background),
        ("System.Threading.Tasks.TaskScheduler", Background),
        ("System.Threading.Tasks.Task.Run", Background),
        ("System.Threading.Tasks.Task.Factory", Background),
        ("System.Threading.Tasks.Task.Start", Background),
        ("System.Threading.Tasks.Task.ContinueWith", Background),
        ("System.Threading.CancellationToken.Register", Callbacks),
        ("System.Threading.CancellationToken.UnsafeRegister", Callbacks),
        ("System.TimeProvider.CreateTimer", Callbacks),
        ("System.Threading.Tasks.Task.Wait", Blocking),
        ("System.Threading.Tasks.Task.WaitAll", Blocking),
        ("System.Threading.Tasks.Task.WaitAny", Blocking),
        ("System.Threading.Tasks.Task.Result", Blocking),
        ("System.Threading.Tasks.Task.GetAwaiter", Blocking),
        ("System.Threading.Tasks.Task.RunSynchronously", Blocking),
        ("System.Threading.Tasks.ValueTask.Result", Blocking),
        ("System.Threading.Tasks.ValueTask.GetAwaiter", Blocking),
        ("System.Runtime.CompilerServices.TaskAwaiter", Blocking),
        ("System.Runtime.CompilerServices.ValueTaskAwaiter", Blocking),
        ("System.Runtime.CompilerServices.ConfiguredTaskAwaitable", Blocking),
        ("System.Runtime.CompilerServices.ConfiguredValueTaskAwaitable", Blocking),
        ("System.Threading.Monitor", Blocking),
        ("System.Threading.Lock", Blocking),
        ("System.Threading.WaitHandle", Blocking),
        ("System.Threading.SpinWait", Blocking),
        ("System.Environment", ProcessState),
        ("System.AppContext", ProcessState),
        ("System.AppDomain", ProcessState),
        ("System.GC", ProcessState),
        ("System.Runtime.GCSettings", ProcessState),
        ("System.Globalization.CultureInfo", ProcessState),
        ("System.Console", Console),
        ("System.Net", Network),
        ("System.Security.Cryptography.X509Certificates", KeyStores),
        ("System.Security.Cryptography.CryptoConfig", ByName),
        .. new[] { "SHA1", "SHA256", "SHA384", "SHA512", "MD5", "HashAlgorithm", "KeyedHashAlgorithm", "HMAC", "AsymmetricAlgorithm", "RSA", "ECDsa",
            "RandomNumberGenerator" }.Select(t => ("System.Security.Cryptography." + t + ".Create", ByName)),
        .. new[] { "CngKey", "CspParameters", "RSACryptoServiceProvider", "DSACryptoServiceProvider", "RSACng", "ECDsaCng",
            "ECDiffieHellmanCng", "DSACng", "RSAOpenSsl", "ECDsaOpenSsl", "ECDiffieHellmanOpenSsl", "DSAOpenSsl", "SafeEvpPKeyHandle",
            "ProtectedData", "CryptographicAttributeObject" }.Select(t => ("System.Security.Cryptography." + t, KeyStores)),
        .. new[] { "..ctor", ".IsMatch", ".Match", ".Matches", ".Replace", ".Split", ".Count", ".EnumerateMatches", ".EnumerateSplits",
            ".InfiniteMatchTimeout", ".internalMatchTimeout", ".ValidateMatchTimeout" }.Select(m => ("System.Text.RegularExpressions.Regex" + m, RegexTimeout)),
    ];

    /// <summary>Finds the category for a dotted name such as <c>System.IO.File.ReadAllText</c>.</summary>
    public static DenialReason For(string dottedName)
    {
        DenialReason? best = null;
        var bestLength = -1;
        foreach (var (prefix, reason) in Table)
        {
            var matches = dottedName.StartsWith(prefix, StringComparison.Ordinal)
                && (dottedName.Length == prefix.Length || dottedName[prefix.Length] == '.');
            if (matches && prefix.Length > bestLength)
            {
                best = reason;
                bestLength = prefix.Length;
            }
        }

        return best ?? NotAllowListed;
    }
}
