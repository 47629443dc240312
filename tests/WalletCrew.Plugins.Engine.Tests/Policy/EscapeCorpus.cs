namespace WalletCrew.Plugins.Engine.Tests.Policy;

/// <summary>Scripts that each try one capability a connector must not have, with the symbol the rejection must name.</summary>
/// <remarks>Every entry is valid C# (a test proves it), so the policy, not the compiler, is what rejects it.</remarks>
internal static class EscapeCorpus
{
    public static TheoryData<string, string, string> Entries { get; } = new()
    {
        // File system.
        { "File.ReadAllText", """var s = System.IO.File.ReadAllText("/etc/passwd");""", "System.IO.File.ReadAllText(string)" },
        { "File.WriteAllText", """System.IO.File.WriteAllText("x.txt", "x");""", "System.IO.File.WriteAllText(string, string)" },
        { "Directory.GetFiles", """var f = System.IO.Directory.GetFiles("/");""", "System.IO.Directory.GetFiles(string)" },
        { "new FileStream", """using var s = new System.IO.FileStream("x", System.IO.FileMode.Open);""", "System.IO.FileStream" },
        { "Path.GetTempPath", """var p = System.IO.Path.GetTempPath();""", "System.IO.Path.GetTempPath()" },
        { "foreach over Directory.EnumerateFiles", """foreach (var f in System.IO.Directory.EnumerateFiles("/")) { Log.LogInformation(f); }""", "System.IO.Directory.EnumerateFiles(string)" },
        { "using var over File.OpenRead", """using var s = System.IO.File.OpenRead("/etc/passwd");""", "System.IO.File.OpenRead(string)" },
        { "List of a forbidden type", """var l = new List<System.IO.FileInfo>();""", "System.IO.FileInfo" },

        { "using static File", """
            using static System.IO.File;
            var s = ReadAllText("/etc/passwd");
            """, "System.IO.File.ReadAllText(string)" },
        { "field initializer", """var c = new Config(); class Config { public string Text = System.IO.File.ReadAllText("/etc/passwd"); }""", "System.IO.File.ReadAllText(string)" },
        { "primary constructor base argument", """var e = new Boom(); class Boom() : Exception(System.IO.File.ReadAllText("/etc/passwd"));""", "System.IO.File.ReadAllText(string)" },
        { "attribute argument", """var c = new Tagged(); [System.Text.Json.Serialization.JsonConverter(typeof(System.IO.FileInfo))] class Tagged { }""", "System.IO.FileInfo" },
        { "property pattern on a forbidden type", """object o = 1; var big = o is System.IO.FileInfo { Length: > 0 };""", "System.IO.FileInfo" },

        // Processes.
        { "Process.Start", """System.Diagnostics.Process.Start("sh");""", "System.Diagnostics.Process.Start(string)" },

        // Reflection and code generation.
        { "Type.GetType by name", """var t = Type.GetType("System.IO.File");""", "System.Type.GetType(string)" },
        { "typeof(X).GetMethod", """var m = typeof(string).GetMethod("Concat");""", "System.Type.GetMethod(string)" },
        { "object.GetType", """var t = "x".GetType();""", "object.GetType()" },
        { "Activator.CreateInstance", """var o = Activator.CreateInstance(typeof(object));""", "System.Activator.CreateInstance(System.Type)" },
        { "Assembly.Load", """var a = System.Reflection.Assembly.Load("System.Private.CoreLib");""", "System.Reflection.Assembly.Load(string)" },
        { "AppDomain.CurrentDomain", """var d = AppDomain.CurrentDomain;""", "System.AppDomain.CurrentDomain" },
        { "MethodInfo.Invoke", """System.Reflection.MethodInfo m = null!; m.Invoke(null, null);""", "System.Reflection.MethodBase.Invoke(object, object[])" },
        { "Delegate.CreateDelegate", """var d = Delegate.CreateDelegate(typeof(Func<string>), "x", "ToString");""", "System.Delegate.CreateDelegate(System.Type, object, string)" },
        { "Delegate.DynamicInvoke", """Func<int> f = () => 1; var r = f.DynamicInvoke();""", "System.Delegate.DynamicInvoke(params object[])" },
        { "Delegate.Method", """Func<int> f = () => 1; var m = f.Method;""", "System.Delegate.Method" },
        { "Expression.Lambda().Compile()", """var f = System.Linq.Expressions.Expression.Lambda(System.Linq.Expressions.Expression.Constant(1)).Compile();""", "System.Linq.Expressions.LambdaExpression.Compile()" },
        { "Reflection.Emit", """var b = System.Reflection.Emit.AssemblyBuilder.DefineDynamicAssembly(new System.Reflection.AssemblyName("x"), System.Reflection.Emit.AssemblyBuilderAccess.Run);""", "System.Reflection.Emit.AssemblyBuilder.DefineDynamicAssembly" },
        { "AssemblyLoadContext", """var c = System.Runtime.Loader.AssemblyLoadContext.Default;""", "System.Runtime.Loader.AssemblyLoadContext.Default" },
        { "Exception.TargetSite", """try { } catch (Exception e) { var m = e.TargetSite; }""", "System.Exception.TargetSite" },
        { "LINQ query through Queryable", """var q = from x in new[] { 1 }.AsQueryable() select x;""", "System.Linq.Queryable.Select" },

        // Interop and raw memory.
        { "Marshal.AllocHGlobal", """var p = System.Runtime.InteropServices.Marshal.AllocHGlobal(16);""", "System.Runtime.InteropServices.Marshal.AllocHGlobal(int)" },
        { "GCHandle.Alloc", """var h = System.Runtime.InteropServices.GCHandle.Alloc(new object());""", "System.Runtime.InteropServices.GCHandle.Alloc(object)" },
        { "MemoryMarshal.Cast", """var s = System.Runtime.InteropServices.MemoryMarshal.Cast<int, byte>(new int[1].AsSpan());""", "System.Runtime.InteropServices.MemoryMarshal.Cast" },
        { "Unsafe.As", """var s = System.Runtime.CompilerServices.Unsafe.As<string>(new object());""", "System.Runtime.CompilerServices.Unsafe.As" },
        { "RuntimeHelpers.GetUninitializedObject", """var o = System.Runtime.CompilerServices.RuntimeHelpers.GetUninitializedObject(typeof(string));""", "System.Runtime.CompilerServices.RuntimeHelpers.GetUninitializedObject(System.Type)" },
        { "ArrayPool shared across tenants", """var a = System.Buffers.ArrayPool<byte>.Shared.Rent(10);""", "System.Buffers.ArrayPool" },
        { "the engine's LINQ checkpoint, to reset a query's depth", """IEnumerable<int> e = [1]; e = e.Select(x => x); ConnectorCheckpoint.Query(e, Enumerable.Range(0, 1), null);""", "WalletCrew.Plugins.ConnectorCheckpoint.Query" },
        { "the engine's LINQ checkpoint, to poison a shared literal", """ConnectorCheckpoint.Query("acme", Array.Empty<int>(), null);""", "WalletCrew.Plugins.ConnectorCheckpoint.Query" },
        { "the engine's checkpoints as a method group", """Action tick = ConnectorCheckpoint.Tick;""", "WalletCrew.Plugins.ConnectorCheckpoint.Tick()" },
        { "Memory.Pin, never unpinned", """new int[4].AsMemory().Pin();""", "System.Memory<int>.Pin()" },
        { "ReadOnlyMemory.Pin through a local", """ReadOnlyMemory<byte> m = new byte[1 << 20]; var h = m.Pin();""", "System.ReadOnlyMemory<byte>.Pin()" },
        { "Memory.Pin as a method group", """Func<System.Buffers.MemoryHandle> pin = new int[4].AsMemory().Pin;""", "System.Buffers.MemoryHandle" },
        { "a pooled string handler as a parameter", """
            static string Peek(System.Runtime.CompilerServices.DefaultInterpolatedStringHandler h) { var copy = h; _ = string.Create(null, ref h); return string.Create(null, ref copy); }
            """, "System.Runtime.CompilerServices.DefaultInterpolatedStringHandler" },
        { "a pooled string handler as a local", """
            System.Runtime.CompilerServices.DefaultInterpolatedStringHandler h = $"{1}"; var copy = h; _ = string.Create(null, ref h); _ = string.Create(null, ref copy);
            """, "System.Runtime.CompilerServices.DefaultInterpolatedStringHandler" },
        { "a pooled string handler through a lambda", """
            var f = (ref System.Runtime.CompilerServices.DefaultInterpolatedStringHandler h) => string.Create(null, ref h);
            """, "System.Runtime.CompilerServices.DefaultInterpolatedStringHandler" },
        { "stackalloc", """Span<byte> b = stackalloc byte[1024];""", "stackalloc" },
        { "unsafe block with a pointer", """unsafe { int x = 1; int* p = &x; }""", "unsafe" },
        { "function pointer", """unsafe { delegate*<void> f = null; }""", "delegate*" },
        { "__makeref", """int i = 1; var r = __makeref(i);""", "__makeref" },
        { "StructLayout Explicit", """
            var o = new Overlap();
            [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Explicit)]
            struct Overlap { [System.Runtime.InteropServices.FieldOffset(0)] public int A; [System.Runtime.InteropServices.FieldOffset(0)] public long B; }
            """, "[StructLayout(LayoutKind.Explicit)]" },
        { "extern with DllImport", """
            Native.getpid();
            static class Native { [System.Runtime.InteropServices.DllImport("libc")] public static extern int getpid(); }
            """, "Native.getpid()" },

        // Code that runs outside an invocation.
        { "ModuleInitializer", """
            var ready = true;
            static class Boot { [System.Runtime.CompilerServices.ModuleInitializer] internal static void Init() { } }
            """, "Boot.Init()" },
        { "finalizer", """var l = new Leak(); class Leak { ~Leak() { } }""", "Leak.~Leak()" },

        // Background work and blocking.
        { "new Thread", """var t = new System.Threading.Thread(() => { }); t.Start();""", "System.Threading.Thread" },
        { "ThreadPool.QueueUserWorkItem", """System.Threading.ThreadPool.QueueUserWorkItem(_ => { });""", "System.Threading.ThreadPool.QueueUserWorkItem" },
        { "Task.Run", """await Task.Run(() => 1);""", "System.Threading.Tasks.Task.Run" },
        { "Task.Factory.StartNew", """await Task.Factory.StartNew(() => { });""", "System.Threading.Tasks.Task.Factory" },
        { "Parallel.For", """Parallel.For(0, 10, i => { });""", "System.Threading.Tasks.Parallel.For" },
        { "new Timer", """var t = new System.Threading.Timer(_ => { }, null, 0, 1000);""", "System.Threading.Timer" },
        { "async void local function", """
            Fire();
            async void Fire() { await Task.Delay(1); }
            """, "Fire()" },
        { "async void lambda", """Action a = async () => await Task.Delay(1);""", "async void lambda" },
        { "Task.Result", """var r = Task.FromResult(1).Result;""", "System.Threading.Tasks.Task<int>.Result" },
        { "Monitor.Enter", """System.Threading.Monitor.Enter(new object());""", "System.Threading.Monitor.Enter(object)" },
        { "collection initializer on a forbidden type", """var c = new System.Collections.Concurrent.BlockingCollection<int> { 1 };""", "System.Collections.Concurrent.BlockingCollection<int>.Add(int)" },

        // Process-wide state and the console.
        { "Environment.Exit", """Environment.Exit(1);""", "System.Environment.Exit(int)" },
        { "Environment.GetEnvironmentVariable", """var v = Environment.GetEnvironmentVariable("PATH");""", "System.Environment.GetEnvironmentVariable(string)" },
        { "GC.Collect", """GC.Collect();""", "System.GC.Collect()" },
        { "AppContext.SetSwitch", """AppContext.SetSwitch("x", true);""", "System.AppContext.SetSwitch(string, bool)" },
        { "CultureInfo.DefaultThreadCurrentCulture setter", """System.Globalization.CultureInfo.DefaultThreadCurrentCulture = System.Globalization.CultureInfo.InvariantCulture;""", "System.Globalization.CultureInfo.DefaultThreadCurrentCulture" },
        { "Console.WriteLine", """Console.WriteLine("hi");""", "System.Console.WriteLine(string)" },
        { "Console.SetOut", """Console.SetOut(System.IO.TextWriter.Null);""", "System.Console.SetOut(System.IO.TextWriter)" },

        // Network outside fetch.
        { "new HttpClient", """using var c = new System.Net.Http.HttpClient();""", "System.Net.Http.HttpClient" },
        { "new Socket", """using var s = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);""", "System.Net.Sockets.Socket" },
        { "Dns.GetHostAddresses", """var a = System.Net.Dns.GetHostAddresses("example.com");""", "System.Net.Dns.GetHostAddresses(string)" },
        { "WebRequest.Create", """var r = System.Net.WebRequest.Create("http://example.com");""", "System.Net.WebRequest.Create(string)" },
        { "the platform's HttpClient used directly", """var s = await Context.CreateHttpClient("https://partner.example").GetStringAsync("/");""", "System.Net.Http.HttpClient.GetStringAsync(string)" },
        { "Refit creating its own HttpClient", """var api = Refit.RestService.ForGenerated<IApi>("http://169.254.169.254"); public interface IApi { }""", "Refit.RestService.ForGenerated<IApi>(string)" },
        { "Refit's reflection path", """var api = Refit.RestService.For<IApi>(Context.CreateHttpClient("https://partner.example")); public interface IApi { }""", "Refit.RestService.For<IApi>(System.Net.Http.HttpClient)" },
        { "Refit's handler factory", """var s = new Refit.RefitSettings { HttpMessageHandlerFactory = null };""", "Refit.RefitSettings.HttpMessageHandlerFactory" },

        // Late binding.
        { "dynamic", """dynamic d = Context; object o = d;""", "dynamic" },
    };
}
