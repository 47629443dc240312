using System.Diagnostics;
using System.Text.Json;
using WalletCrew.Plugins.Cli.Tests.Support;
using WalletCrew.Plugins.Engine.Tests.Support;
using static WalletCrew.Plugins.Cli.Tests.Support.ServeProcess;

namespace WalletCrew.Plugins.Cli.Tests.Commands;

/// <summary>
/// <c>wcp serve</c> leaves to configuration (the environment here, appsettings.json alike) what its command line does not
/// say: where tenant code runs, the compile cache and the addresses. An option's default passed on as a command-line
/// setting would outrank them all (an operator's <c>Isolation=sandbox</c> silently became <c>auto</c>). Control: the same
/// host given <c>--isolation</c> and <c>--cache</c> follows them over the environment. <c>--api-key</c> adds to the keys the
/// configuration has. A process of its own, since the settings come from its environment.
/// </summary>
public sealed class ServeConfigurationTests : IDisposable
{
    private const string Key = "test-key-0123456789abcdef";
    private const string EnvironmentKey = "env-key-0123456789abcdef";

    private readonly string _work = Directory.CreateTempSubdirectory("wcp-serve-config-").FullName;

    [Theory]
    [InlineData(new string[0], "in-process", true)]
    [InlineData(new[] { "--isolation", "sandbox", "--cache", "off" }, "sandbox", false)] // control: the command line wins
    public async Task WhatTheCommandLineDoesNotSayComesFromConfiguration(string[] options, string isolation, bool cacheFilled)
    {
        var port = FreePort();
        var cache = Path.Combine(_work, "cache");
        var errors = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var serve = Start(options, errors, new()
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
            ["WalletCrew__Engine__Isolation"] = "in-process",
            ["WalletCrew__Engine__CompileCacheDirectory"] = cache,
            ["WalletCrew__ApiKeys__0__Key"] = EnvironmentKey,
            ["WalletCrew__ApiKeys__0__Scopes"] = "admin",
        });
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            string? ready = null;
            await WaitUntilAsync(
                async () => (ready = await TryGetString(http, "/health/ready")) is not null,
                () => Task.FromResult(serve.HasExited ? $"wcp serve exited early with {serve.ExitCode}: {string.Join('\n', errors)}" : null));

            using var body = JsonDocument.Parse(ready!);
            body.RootElement.GetProperty("isolation").GetString().Should().Be(isolation);
            (Directory.Exists(cache) && Directory.EnumerateFiles(cache, "*", SearchOption.AllDirectories).Any())
                .Should().Be(cacheFilled, "the cache is the environment's unless --cache says otherwise");
            foreach (var key in (string[])[Key, EnvironmentKey])
            {
                // --api-key adds to the configuration's keys (it had taken the first entry's place, and was dropped beside its settings).
                using var request = new HttpRequestMessage(HttpMethod.Get, "/api/admin/dead-letters");
                request.Headers.Authorization = new("Bearer", key);
                using var response = await http.SendAsync(request);
                response.StatusCode.Should().Be(System.Net.HttpStatusCode.OK, $"the key {key} is one of the host's");
            }
        }
        finally
        {
            serve.Kill(entireProcessTree: true);
            await serve.WaitForExitAsync();
        }
    }

    /// <summary>
    /// --urls outranks Kestrel:Endpoints in configuration: Kestrel preferred its configured endpoints to the addresses it was
    /// given and listened there, with only a warning. Control: without --urls the configured endpoint is where it listens.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task UrlsOutrankKestrelEndpointsInConfiguration(bool givenUrls)
    {
        var (configured, given) = (FreePort(), FreePort());
        var errors = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var serve = Start(givenUrls ? ["--urls", $"http://127.0.0.1:{given}"] : [], errors, new()
        {
            ["Kestrel__Endpoints__Http__Url"] = $"http://127.0.0.1:{configured}",
        });
        try
        {
            var expected = givenUrls ? given : configured;
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{expected}") };
            await WaitUntilAsync(
                async () => await TryGet(http, "/health") == System.Net.HttpStatusCode.OK,
                () => Task.FromResult(serve.HasExited ? $"wcp serve exited early with {serve.ExitCode}: {string.Join('\n', errors)}" : null));
            using var other = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{(givenUrls ? configured : given)}") };
            (await TryGet(other, "/health")).Should().BeNull("it listens on one of the two addresses only");
        }
        finally
        {
            serve.Kill(entireProcessTree: true);
            await serve.WaitForExitAsync();
        }
    }

    /// <summary>
    /// Bad settings in two sections end <c>wcp serve</c> with exit code 1 and one line naming each key, its value and its
    /// bounds (two sections' problems came as an unhandled AggregateException with a stack trace, and a range's failure
    /// named the settings class instead of the key). Control: the same host with one of them fixed names only the other.
    /// </summary>
    [Theory]
    [InlineData("0", true)]
    [InlineData("8", false)]
    public async Task BadSettingsEndServeWithOneLineNamingEachKey(string concurrency, bool bothWrong)
    {
        var errors = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var serve = Start([], errors, new()
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{FreePort()}",
            ["WalletCrew__Engine__WorkerCpuCores"] = "2000",
            ["WalletCrew__Delivery__Concurrency"] = concurrency,
        });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await serve.WaitForExitAsync(timeout.Token);
        }
        finally
        {
            serve.Kill(entireProcessTree: true);
        }

        serve.WaitForExit(); // the error stream's last lines
        var lines = errors.Where(l => l.Length > 0).ToList();
        serve.ExitCode.Should().Be(1, string.Join('\n', lines));
        lines.Should().ContainSingle().Which.Should().StartWith("wcp serve: ").And.Contain("WalletCrew:Engine:WorkerCpuCores is 2000; it must be between 0 and 1024.");
        lines[0].Contains("WalletCrew:Delivery:Concurrency is 0; it must be between 1 and", StringComparison.Ordinal).Should().Be(bothWrong);
    }

    public void Dispose() => Directory.Delete(_work, recursive: true);

    private Process Start(string[] options, System.Collections.Concurrent.ConcurrentQueue<string> errors, Dictionary<string, string> environment) =>
        StartServe(_work, RepositoryPaths.SampleTenants, ["--api-key", Key, .. options], new(), errors, environment);

    private static async Task<string?> TryGetString(HttpClient http, string path)
    {
        try
        {
            using var response = await http.GetAsync(path);
            return response.IsSuccessStatusCode ? await response.Content.ReadAsStringAsync() : null;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }
}
