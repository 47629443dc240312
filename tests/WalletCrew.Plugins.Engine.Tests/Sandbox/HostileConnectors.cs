using WalletCrew.Plugins.Engine.Policy;

namespace WalletCrew.Plugins.Engine.Tests.Sandbox;

/// <summary>
/// Connectors that deliberately get past the API policy: the tests turn the policy off for them (the switch below), so
/// what stops them is the sandbox alone. Each hook logs <c>ESCAPED:&lt;what it got&gt;</c> or <c>BLOCKED:&lt;exception&gt;</c>.
/// </summary>
internal static class HostileConnectors
{
    /// <summary>The test-only switch: allows the file, process, socket, environment and reflection APIs the policy refuses.</summary>
    public static void PolicyOff(AllowListBuilder allow) => allow
        .Types("System.IO", "File", "FileStream", "StreamReader", "Directory", "Path", "FileInfo", "DirectoryInfo", "IOException")
        .Types("System.Diagnostics", "Process", "ProcessStartInfo")
        .Types("System.Net.Sockets", "TcpClient", "Socket", "SocketException", "NetworkStream")
        .Types("System.Net", "IPAddress", "IPEndPoint", "Dns", "IPHostEntry")
        .Types("System.Net.Http", "HttpClient", "HttpClientHandler", "SocketsHttpHandler", "HttpResponseMessage", "HttpContent")
        .Types("System.Threading", "Thread", "ThreadStart", "ManualResetEventSlim", "Timeout")
        .Types("System.Text.RegularExpressions", "Regex", "RegexOptions")
        .Types("System.Reflection", "FieldInfo", "BindingFlags", "MemberInfo", "MethodInfo")
        .Types("System.Runtime.InteropServices", "NativeLibrary", "Marshal", "UnmanagedFunctionPointerAttribute", "CallingConvention")
        .Type("WalletCrew.Plugins.Engine.ISecretSource")
        .Type("System.IntPtr")
        .Type("System.Environment")
        .Type("System.Type")
        .Type("System.Object");

    /// <summary>A pass updater whose installed hook runs <paramref name="body"/> (C# statements returning a string) and logs what happened.</summary>
    public static string Hook(string body) => $$"""
        using System.IO;
        using System.Diagnostics;
        using System.Net.Sockets;
        using System.Runtime.InteropServices;
        async Task Installed(string passId)
        {
            string outcome;
            try { outcome = "ESCAPED:" + await Attack(); }
            catch (Exception e) { outcome = "BLOCKED:" + e.GetType().Name; }
            console.log(outcome);
        }
        async Task<string> Attack()
        {
            await Task.Yield();
            {{body}}
        }
        context.register("runtime.wallet.passUpdater", new { OnPassInstalled = Installed });
        """;

    /// <summary>A hook (<see cref="Hook"/>) whose <paramref name="body"/> calls C code directly: <c>libc</c> is loaded,
    /// <c>Libc&lt;T&gt;(name)</c> gives the libc function <c>name</c> as a delegate of type <c>T</c>, and each of
    /// <paramref name="delegates"/> (a declaration without <c>delegate</c>: <c>int Pause()</c>) is declared to call C, keeping
    /// its errno for <c>Marshal.GetLastPInvokeError</c>.</summary>
    public static string NativeHook(string body, params string[] delegates) => Hook(NativeBody(body, delegates));

    /// <summary>The body of a <see cref="NativeHook"/>, for helpers that wrap a body in <see cref="Hook"/> themselves.</summary>
    public static string NativeBody(string body, params string[] delegates) => $$"""
        var libc = NativeLibrary.Load("libc.so.6");
        T Libc<T>(string name) => Marshal.GetDelegateForFunctionPointer<T>(NativeLibrary.GetExport(libc, name));
        {{body}}
        }
        {{string.Concat(delegates.Select(d => $"[UnmanagedFunctionPointer(CallingConvention.Cdecl, SetLastError = true)] delegate {d};\n"))}}
        async Task<string> Unused()
        {
            await Task.Yield();
            return "";
        """;
}
