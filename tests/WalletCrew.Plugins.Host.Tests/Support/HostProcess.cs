using System.Diagnostics;
using System.Text.RegularExpressions;

namespace WalletCrew.Plugins.Host.Tests.Support;

/// <summary>The host in a child process (the test-only TestServer entry), so a test can SIGKILL it.</summary>
internal sealed partial class HostProcess : IDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<string> _output = [];

    private const int NobodyId = 65534;

    private HostProcess(Process process) => _process = process;

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Gets the host's process id (part of its lease owner id).</summary>
    public int ProcessId => _process.Id;

    public static Task<HostProcess> StartAsync(TenantsRoot root, params string[] configuration) => StartAsync(root, "sqlite:" + root.DatabasePath, configuration);

    /// <summary>Starts a host as the unprivileged user <c>nobody</c> (as itself when the tests do not run as root), the way a
    /// host is run in production; the root's folder is opened to it, so it reads the tenants and writes its store and cache,
    /// and the test server is copied there when the user may not reach the build's folder (a checkout in a private folder).</summary>
    public static Task<HostProcess> StartUnprivilegedAsync(TenantsRoot root, params string[] configuration)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("An unprivileged host runs on Linux.");
        }

        var server = ReachableByAll(BuiltServer) ? BuiltServer : CopyServer(root);
        // Open to all (nothing in it is secret), whatever the umask the folder and its files were made with.
        foreach (var folder in System.IO.Directory.GetDirectories(root.Base, "*", SearchOption.AllDirectories).Append(root.Base))
        {
            File.SetUnixFileMode(folder, (UnixFileMode)0b111_111_111);
        }

        foreach (var file in System.IO.Directory.GetFiles(root.Base, "*", SearchOption.AllDirectories))
        {
            File.SetUnixFileMode(file, File.GetUnixFileMode(file) | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }

        var parent = Path.GetDirectoryName(root.Base)!;
        File.SetUnixFileMode(parent, File.GetUnixFileMode(parent) | UnixFileMode.OtherExecute);
        return StartAsync(root, "sqlite:" + root.DatabasePath, configuration, Environment.IsPrivilegedProcess ? NobodyId : null, server);
    }

    /// <summary>Starts a host on the given store (<c>sqlite:…</c> or <c>postgres:…</c>).</summary>
    public static Task<HostProcess> StartAsync(TenantsRoot root, string store, string[] configuration) => StartAsync(root, store, configuration, userId: null, BuiltServer);

    // The test server, built next to the tests.
    private static string BuiltServer => Path.Combine(
        AppContext.BaseDirectory.Replace("WalletCrew.Plugins.Host.Tests", "WalletCrew.Plugins.Host.TestServer", StringComparison.Ordinal), "WalletCrew.Plugins.Host.TestServer.dll");

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static bool ReachableByAll(string file)
    {
        for (var folder = Path.GetDirectoryName(file); folder is not null; folder = Path.GetDirectoryName(folder))
        {
            if (!File.GetUnixFileMode(folder).HasFlag(UnixFileMode.OtherExecute))
            {
                return false;
            }
        }

        return true;
    }

    // Copies the test server's folder (its worker program included) into the root's; returns the copy's entry point.
    private static string CopyServer(TenantsRoot root)
    {
        var source = Path.GetDirectoryName(BuiltServer)!;
        var target = Path.Combine(root.Base, "server");
        foreach (var file in System.IO.Directory.GetFiles(source, "*", SearchOption.AllDirectories))
        {
            var copy = Path.Combine(target, Path.GetRelativePath(source, file));
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(file, copy);
        }

        return Path.Combine(target, Path.GetFileName(BuiltServer));
    }

    private static async Task<HostProcess> StartAsync(TenantsRoot root, string store, string[] configuration, int? userId, string server)
    {
        File.Exists(server).Should().BeTrue($"the test server is built next to the tests ({server})");
        var info = new ProcessStartInfo(userId is null ? "dotnet" : "setpriv") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (userId is { } uid)
        {
            // util-linux's setpriv: the same process, with the user's ids and no supplementary groups, then dotnet.
            info.ArgumentList.Add($"--reuid={uid}");
            info.ArgumentList.Add($"--regid={uid}");
            info.ArgumentList.Add("--clear-groups");
            info.ArgumentList.Add("dotnet");
            info.Environment["HOME"] = root.Base;
            info.WorkingDirectory = root.Base; // the host's content root: the tests' own folder may be closed to the user
        }

        foreach (var argument in new[] { server, root.Directory, store, "http://127.0.0.1:0" }
            .Concat([$"--WalletCrew:ApiKeys:0={HostHarness.ApiKey}", $"--WalletCrew:Engine:CompileCacheDirectory={Path.Combine(root.Base, "cache")}", "--Logging:LogLevel:Default=Warning", "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Information", "--WalletCrew:Engine:Isolation=in-process",
                "--WalletCrew:TenantFiles:ImportFolders=false"]) // as in HostHarness: these tests serve their tenants from their folder
            .Concat(configuration))
        {
            info.ArgumentList.Add(argument);
        }

        var host = new HostProcess(Process.Start(info)!);
        host._process.OutputDataReceived += (_, e) => host.OnLine(e.Data);
        host._process.ErrorDataReceived += (_, e) => host.OnLine(e.Data);
        host._process.BeginOutputReadLine();
        host._process.BeginErrorReadLine();
        var started = await Task.WhenAny(host._listening.Task, Task.Delay(TimeSpan.FromSeconds(60)));
        if (started != host._listening.Task)
        {
            host.Kill();
            throw new TimeoutException("The host process did not start listening within 60 s:\n" + host.Output);
        }

        host.BaseAddress = await host._listening.Task;
        return host;
    }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return string.Join('\n', _output.TakeLast(50));
            }
        }
    }

    /// <summary>Awaits <paramref name="wait"/>; a timeout in it is thrown again with this host's last output lines, which say why.</summary>
    public async Task WatchAsync(Func<Task> wait)
    {
        try
        {
            await wait();
        }
        catch (TimeoutException timeout)
        {
            throw new TimeoutException($"{timeout.Message}\nThe host's last output lines:\n{Output}", timeout);
        }
    }

    /// <summary>Posts an Apple installation of <paramref name="passId"/> for <paramref name="tenantId"/>; the host must accept it (202).</summary>
    public async Task InstallAsync(string tenantId, string passId)
    {
        using var client = new HttpClient { BaseAddress = BaseAddress };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", HostHarness.ApiKey);
        using var response = await client.PostAsync($"api/tenants/{tenantId}/passes/{passId}/installations",
            new StringContent("""{"device":"apple","installed":true,"passType":"loyalty"}""", System.Text.Encoding.UTF8, "application/json"));
        response.StatusCode.Should().Be(System.Net.HttpStatusCode.Accepted);
    }

    /// <summary>Gets <paramref name="path"/> (no credentials) and parses its JSON body.</summary>
    public async Task<System.Text.Json.Nodes.JsonNode> GetJsonAsync(string path)
    {
        using var client = new HttpClient { BaseAddress = BaseAddress };
        return System.Text.Json.Nodes.JsonNode.Parse(await client.GetStringAsync(path))!;
    }

    /// <summary>Kills the process with SIGKILL: no shutdown code runs.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: false);
            _process.WaitForExit(10_000);
        }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Add(line);
        }

        if (ListeningLine().Match(line) is { Success: true } match)
        {
            _listening.TrySetResult(new Uri(match.Groups[1].Value.TrimEnd('/') + "/"));
        }
    }

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex ListeningLine();
}
